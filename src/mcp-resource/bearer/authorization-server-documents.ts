import type { JWK } from 'jose';
import { ACCEPTED_ALGORITHMS, type AcceptedAlgorithm, type Checked } from './access-token-claims.js';

/** A public key from the AS JWKS, with the algorithms it may verify. */
export interface PublishedKey {
  readonly kid: string;
  readonly jwk: JWK;
  readonly algorithms: readonly AcceptedAlgorithm[];
}

export interface ParsedJwks {
  readonly keys: readonly PublishedKey[];
  /** Why each unusable entry was skipped (for the log). */
  readonly skipped: readonly string[];
}

const MAX_KEYS = 32;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const MIN_RSA_MODULUS_BYTES = 256; // 2048 bits (RFC 7518 section 3.3)

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 8414 section 3.3: the metadata's issuer must be exactly the issuer it was fetched for. */
export function checkAuthorizationServerMetadata(document: unknown, issuer: string): Checked<{ jwksUri: string }> {
  if (!isRecord(document)) return { ok: false, reason: 'metadata is not a JSON object' };
  if (document.issuer !== issuer) return { ok: false, reason: `metadata issuer ${JSON.stringify(document.issuer)} is not ${issuer}` };
  if (typeof document.jwks_uri !== 'string' || document.jwks_uri.length === 0) return { ok: false, reason: 'metadata has no jwks_uri' };
  return { ok: true, value: { jwksUri: document.jwks_uri } };
}

/** The algorithms a key may verify: its own `alg`, or what its type implies. */
function keyAlgorithms(jwk: Record<string, unknown>): AcceptedAlgorithm[] | string {
  if (jwk.alg !== undefined) {
    if (!(ACCEPTED_ALGORITHMS as readonly unknown[]).includes(jwk.alg)) return `alg ${String(jwk.alg)} is not accepted`;
    return [jwk.alg as AcceptedAlgorithm];
  }
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return ['ES256'];
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return ['EdDSA'];
  if (jwk.kty === 'RSA') return ['RS256', 'PS256'];
  return `key type ${String(jwk.kty)}/${String(jwk.crv)} is not accepted`;
}

function skipReason(jwk: Record<string, unknown>): string | undefined {
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || jwk.kid.length > 256) return 'no kid';
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) return 'holds private or symmetric key material';
  if (jwk.use !== undefined && jwk.use !== 'sig') return `use ${String(jwk.use)} is not sig`;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return 'key_ops lacks verify';
  if (jwk.kty === 'RSA' && (typeof jwk.n !== 'string' || Buffer.from(jwk.n, 'base64url').length < MIN_RSA_MODULUS_BYTES)) {
    return 'RSA modulus shorter than 2048 bits';
  }
  return undefined;
}

/** The usable signature keys of a JWKS (RFC 7517 section 5); unusable or ambiguous entries are skipped. */
export function parseJwks(document: unknown): Checked<ParsedJwks> {
  if (!isRecord(document) || !Array.isArray(document.keys)) return { ok: false, reason: 'JWKS has no keys array' };
  if (document.keys.length > MAX_KEYS) return { ok: false, reason: `JWKS holds more than ${MAX_KEYS} keys` };
  const keys: PublishedKey[] = [];
  const skipped: string[] = [];
  const kids = new Map<string, number>();
  for (const entry of document.keys) {
    if (isRecord(entry) && typeof entry.kid === 'string') kids.set(entry.kid, (kids.get(entry.kid) ?? 0) + 1);
  }
  document.keys.forEach((entry: unknown, index: number) => {
    const label = isRecord(entry) && typeof entry.kid === 'string' ? `kid ${entry.kid}` : `key #${index}`;
    if (!isRecord(entry)) return skipped.push(`${label}: not an object`);
    const reason = skipReason(entry) ?? ((kids.get(entry.kid as string) ?? 0) > 1 ? 'kid is not unique' : undefined);
    const algorithms = reason ? reason : keyAlgorithms(entry);
    if (typeof algorithms === 'string') return skipped.push(`${label}: ${algorithms}`);
    return keys.push({ kid: entry.kid as string, jwk: entry as JWK, algorithms });
  });
  return { ok: true, value: { keys, skipped } };
}
