import type { JWK } from 'jose';
import type { CimdProfile } from '../cimd/cimd-profile.js';
import type { ClientMetadata, ClientSource, TokenEndpointAuthMethod } from './client.js';
import { checkPublicJwks } from './public-jwks.js';
import { redirectUriProblem } from './redirect-uri.js';
import type { ValidationReport } from './validation-report.js';

/** What the token and authorization endpoints implement; anything else in a client's lists is dropped. */
export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const SUPPORTED_RESPONSE_TYPES = ['code'] as const;
/** Asymmetric JWS algorithms a client may sign its assertions with (never `none` or HMAC). */
export const CLIENT_SIGNING_ALGS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'];

const AUTH_METHODS: Record<ClientSource, readonly TokenEndpointAuthMethod[]> = {
  // CIMD -02 section 4.1: a document can't hold a shared secret, so no secret-based method.
  cimd: ['none', 'private_key_jwt'],
  dcr: ['none', 'private_key_jwt', 'client_secret_basic', 'client_secret_post'],
  static: ['none', 'private_key_jwt', 'client_secret_basic', 'client_secret_post'],
};
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const DISPLAY_URIS = ['client_uri', 'logo_uri', 'policy_uri', 'tos_uri'] as const;

export interface ClientValidationOptions {
  readonly clientId: string;
  readonly source: ClientSource;
  readonly profile: CimdProfile;
  /** Development: http URLs on loopback hosts are admitted for jwks_uri and display URIs. */
  readonly allowLoopbackHttp: boolean;
  /** Whether client_credentials may be kept for this client (confidential only; for CIMD, CIMD_CLIENT_CREDENTIALS). */
  readonly allowClientCredentials?: boolean;
}

function isHttpsUrl(value: unknown, allowLoopbackHttp: boolean): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    if (url.username || url.password || url.hash) return false;
    if (url.protocol === 'https:') return true;
    return allowLoopbackHttp && url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

function stringList(report: ValidationReport, document: Record<string, unknown>, field: string, fallback: readonly string[]): string[] | undefined {
  const value = document[field];
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    report.fail(field, 'must be an array of strings');
    return undefined;
  }
  return value as string[];
}

/** Keeps the supported entries; the others are dropped with a note (real clients list extra grants). */
function narrowed(report: ValidationReport, field: string, values: readonly string[], supported: readonly string[]): string[] {
  const kept = [...new Set(values.filter((value) => supported.includes(value)))];
  const dropped = values.filter((value) => !supported.includes(value));
  if (dropped.length > 0) report.note(`dropped unsupported ${field}: ${dropped.join(', ')}`);
  return kept;
}

function authMethod(report: ValidationReport, document: Record<string, unknown>, options: ClientValidationOptions): TokenEndpointAuthMethod | undefined {
  const allowed = AUTH_METHODS[options.source];
  let method = document.token_endpoint_auth_method;
  const hasKeys = document.jwks !== undefined || document.jwks_uri !== undefined;
  if (method === undefined && Array.isArray(document.token_endpoint_auth_methods_supported)) {
    // OpenID RP Metadata Choices: the strongest method both sides support.
    const offered = document.token_endpoint_auth_methods_supported as unknown[];
    method = offered.includes('private_key_jwt') && hasKeys ? 'private_key_jwt' : offered.includes('none') ? 'none' : offered[0];
    report.note(`token_endpoint_auth_method chosen from token_endpoint_auth_methods_supported: ${String(method)}`);
  }
  // CIMD documents hold no secret, so an omitted method means a public client (RFC 7591's client_secret_basic can't apply).
  method ??= 'none';
  if (typeof method !== 'string' || !(allowed as readonly string[]).includes(method)) {
    report.fail('token_endpoint_auth_method', `"${String(method)}" is not one of ${allowed.join(', ')}`);
    return undefined;
  }
  report.pass('token_endpoint_auth_method', method);
  return method as TokenEndpointAuthMethod;
}

/**
 * The one client metadata validator (RFC 7591 section 2 names and defaults) shared by CIMD documents
 * and dynamic registrations. Records every check in the report; returns the normalised metadata when
 * everything passed. Unknown members are ignored; unsupported grant and response types are dropped.
 */
export function validateClientMetadata(
  document: Record<string, unknown>,
  options: ClientValidationOptions,
  report: ValidationReport,
): ClientMetadata | undefined {
  const grantTypes = stringList(report, document, 'grant_types', ['authorization_code']);
  const responseTypes = stringList(report, document, 'response_types', ['code']);
  const method = authMethod(report, document, options);
  // client_credentials: only a client that authenticates, and only where the operator allows it.
  const supportedGrants = SUPPORTED_GRANT_TYPES.filter(
    (grant) => grant !== 'client_credentials' || (options.allowClientCredentials !== false && method !== undefined && method !== 'none'),
  );
  const grants = grantTypes && narrowed(report, 'grant_types', grantTypes, supportedGrants);
  const responses = responseTypes && narrowed(report, 'response_types', responseTypes, SUPPORTED_RESPONSE_TYPES);
  if (grants) {
    report.expect(
      grants.includes('authorization_code') || grants.includes('client_credentials'),
      'grant_types',
      'lists no grant this server supports as a first grant (authorization_code or client_credentials)',
    );
  }
  const codeFlow = grants?.includes('authorization_code') ?? true;
  if (grants && responses && codeFlow) {
    // RFC 7591 section 2.1: authorization_code goes with the code response type.
    report.expect(responses.includes('code'), 'response_types', 'must include "code" for the authorization_code grant');
  }

  const redirects = document.redirect_uris;
  if (!codeFlow && redirects === undefined) {
    report.skip('redirect_uris', 'absent; not needed without the authorization_code grant');
  } else if (!Array.isArray(redirects) || redirects.length === 0) {
    report.fail('redirect_uris', 'must be a non-empty array (required for the authorization_code grant)', 'invalid_redirect_uri');
  } else {
    const problems = redirects
      .map((uri, index) => [index, redirectUriProblem(uri, { allowPrivateUseSchemes: options.profile.allowPrivateUseRedirects })] as const)
      .filter(([, problem]) => problem !== undefined)
      .map(([index, problem]) => `redirect_uris[${index}] ${problem}`);
    report.expect(problems.length === 0, 'redirect_uris', problems.join('; '), 'invalid_redirect_uri');
    if (redirects.length > 20) report.fail('redirect_uris', 'lists more than 20 URIs', 'invalid_redirect_uri');
  }

  const name = document.client_name;
  if (name === undefined) {
    if (options.profile.requireClientName) report.fail('client_name', `is required by the ${options.profile.name} profile`);
    else report.skip('client_name', 'absent; the client_id host will be shown instead');
  } else {
    report.expect(typeof name === 'string' && name.trim().length > 0 && name.length <= 200, 'client_name', 'must be a non-empty string of at most 200 characters');
  }

  let jwksKeys: JWK[] | undefined;
  if (document.jwks !== undefined && document.jwks_uri !== undefined) {
    report.fail('jwks', 'jwks and jwks_uri must not both be present (RFC 7591 section 2)');
  } else if (document.jwks !== undefined) {
    const jwks = checkPublicJwks(document.jwks);
    if (report.expect(jwks.ok, 'jwks', jwks.ok ? '' : `jwks ${jwks.problem}`) && jwks.ok) jwksKeys = jwks.keys;
  } else if (document.jwks_uri !== undefined) {
    report.expect(isHttpsUrl(document.jwks_uri, options.allowLoopbackHttp), 'jwks_uri', 'must be an https URL');
  }
  if (method === 'private_key_jwt') {
    // CIMD -02 section 4.1: declaring private_key_jwt means the server requires it, so keys must be there.
    report.expect(document.jwks !== undefined || document.jwks_uri !== undefined, 'private_key_jwt keys', 'private_key_jwt needs jwks or jwks_uri');
  }
  const alg = document.token_endpoint_auth_signing_alg;
  if (alg !== undefined) {
    report.expect(typeof alg === 'string' && CLIENT_SIGNING_ALGS.includes(alg), 'token_endpoint_auth_signing_alg', `must be one of ${CLIENT_SIGNING_ALGS.join(', ')}`);
  }

  const scope = document.scope;
  if (scope !== undefined) {
    report.expect(typeof scope === 'string' && scope.split(' ').every((token) => SCOPE_TOKEN.test(token)), 'scope', 'must be space-separated scope tokens');
  }
  for (const field of DISPLAY_URIS) {
    if (document[field] !== undefined) report.expect(isHttpsUrl(document[field], options.allowLoopbackHttp), field, 'must be an https URL');
  }
  const applicationType = document.application_type;
  if (applicationType !== undefined) report.expect(applicationType === 'native' || applicationType === 'web', 'application_type', 'must be "native" or "web"');
  for (const field of ['software_id', 'software_version'] as const) {
    if (document[field] !== undefined) report.expect(typeof document[field] === 'string' && (document[field] as string).length <= 200, field, 'must be a string');
  }

  if (!report.ok || !grants || !responses || !method) return undefined;
  const optional = <K extends keyof ClientMetadata>(key: K): Partial<Pick<ClientMetadata, K>> =>
    document[key] === undefined ? {} : ({ [key]: document[key] } as Pick<ClientMetadata, K>);
  return {
    client_id: options.clientId,
    ...optional('client_name'),
    ...optional('client_uri'),
    ...optional('logo_uri'),
    ...optional('policy_uri'),
    ...optional('tos_uri'),
    redirect_uris: Array.isArray(redirects) ? [...(redirects as string[])] : [],
    grant_types: grants,
    response_types: responses,
    token_endpoint_auth_method: method,
    ...optional('token_endpoint_auth_signing_alg'),
    ...(jwksKeys ? { jwks: { keys: jwksKeys } } : {}),
    ...optional('jwks_uri'),
    ...optional('scope'),
    ...optional('application_type'),
    ...optional('software_id'),
    ...optional('software_version'),
  } as ClientMetadata;
}
