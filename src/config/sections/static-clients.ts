import type { ClientMetadata } from '../../authorization-server/clients/client.js';
import { validateClientMetadata } from '../../authorization-server/clients/client-metadata.validator.js';
import { ValidationReport } from '../../authorization-server/clients/validation-report.js';
import type { CimdProfile } from '../../authorization-server/cimd/cimd-profile.js';
import type { EnvReader } from '../env-reader.js';

/** A client configured by the operator (first-party apps), validated like any other at start. */
export interface StaticClientConfig {
  readonly metadata: ClientMetadata;
  /** base64url SHA-256 of the client secret, for client_secret_basic / client_secret_post. */
  readonly secretHash?: string;
}

const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'];

/**
 * AS_STATIC_CLIENTS: a JSON array of RFC 7591 client metadata objects, each with its own `client_id`
 * (never an http(s) URL, which would be read as a metadata document) and, for secret-based methods,
 * `client_secret_sha256` (the base64url SHA-256 of the secret; the secret itself is never configured).
 */
export function readStaticClients(env: EnvReader, profile: CimdProfile, allowLoopbackHttp: boolean): StaticClientConfig[] {
  const name = 'AS_STATIC_CLIENTS';
  const raw = env.json<unknown>(name, []);
  if (!Array.isArray(raw)) env.fail(name, 'a JSON array of client metadata objects', raw);
  const seen = new Set<string>();
  return raw.map((entry: unknown, index: number) => {
    const item = entry as Record<string, unknown>;
    const clientId = item?.client_id;
    if (typeof clientId !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(clientId) || /^https?:/i.test(clientId)) {
      env.fail(name, `valid; entry ${index} needs a printable client_id that is not an http(s) URL`);
    }
    if (seen.has(clientId)) env.fail(name, `valid; client_id ${clientId} appears twice`);
    seen.add(clientId);
    const { client_secret_sha256: secretHash, ...document } = item;
    const report = new ValidationReport();
    const metadata = validateClientMetadata(document, { clientId, source: 'static', profile, allowLoopbackHttp }, report);
    if (!metadata) env.fail(name, `valid; client ${clientId}: ${report.summary()}`);
    const needsSecret = SECRET_METHODS.includes(metadata.token_endpoint_auth_method);
    if (needsSecret !== (typeof secretHash === 'string' && /^[A-Za-z0-9_-]{43}$/.test(secretHash))) {
      env.fail(name, `valid; client ${clientId}: client_secret_sha256 (base64url SHA-256, 43 characters) is required with, and only with, a client_secret_* method`);
    }
    return { metadata, secretHash: needsSecret ? (secretHash as string) : undefined };
  });
}
