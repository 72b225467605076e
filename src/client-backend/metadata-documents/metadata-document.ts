import type { AppProfile } from '../../config/sections/app-profiles.js';
import type { DevicePublicJwk } from '../attestation/device-key.js';

/**
 * The install's Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document section 4),
 * derived from the app profile and the install's current key. It never carries a secret or a private
 * key member (section 4.1), publishes `jwks` and never `jwks_uri` beside it (RFC 7591 section 2), and
 * declares private_key_jwt with ES256 so the AS requires the device's signature (CIMD section 8.2).
 */
export function renderMetadataDocument(profile: AppProfile, clientId: string, key: DevicePublicJwk): Record<string, unknown> {
  const optional = (name: string, value: string | undefined) => (value === undefined ? {} : { [name]: value });
  return {
    // CIMD section 4: exactly the URL the document is served from.
    client_id: clientId,
    client_name: profile.clientName,
    ...optional('client_uri', profile.clientUri),
    ...optional('logo_uri', profile.logoUri),
    redirect_uris: [...profile.redirectUris],
    grant_types: [...profile.grantTypes],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    ...optional('scope', profile.scope),
    application_type: profile.applicationType,
    ...optional('software_id', profile.softwareId),
    ...optional('software_version', profile.softwareVersion),
    jwks: { keys: [{ kty: key.kty, crv: key.crv, x: key.x, y: key.y, kid: key.kid, alg: key.alg, use: key.use }] },
  };
}
