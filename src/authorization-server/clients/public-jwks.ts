import type { JWK } from 'jose';

/** JWK members that only a private or symmetric key has (RFC 7518 sections 6.2.2, 6.3.2, 6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const ASYMMETRIC_TYPES = new Set(['EC', 'RSA', 'OKP']);
export const MAX_KEYS = 20;

export type JwksCheck = { readonly ok: true; readonly keys: JWK[]; readonly ignored: number } | { readonly ok: false; readonly problem: string };

/**
 * A JWK Set that may only hold public signing keys (CIMD -02 section 4.1: no private key material;
 * no symmetric `oct` keys, whose "public" form is the secret). Keys marked for encryption only are
 * left out; at least one signing key must remain.
 */
export function checkPublicJwks(value: unknown): JwksCheck {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'is not a JWK Set object' };
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return { ok: false, problem: 'has no "keys" array' };
  if (keys.length > MAX_KEYS) return { ok: false, problem: `holds more than ${MAX_KEYS} keys` };
  const usable: JWK[] = [];
  for (const [index, key] of keys.entries()) {
    if (!key || typeof key !== 'object' || Array.isArray(key)) return { ok: false, problem: `keys[${index}] is not an object` };
    const jwk = key as Record<string, unknown>;
    const secret = PRIVATE_MEMBERS.find((member) => member in jwk);
    if (secret) return { ok: false, problem: `keys[${index}] contains private key material ("${secret}")` };
    if (jwk.kty === 'oct') return { ok: false, problem: `keys[${index}] is a symmetric (oct) key` };
    if (typeof jwk.kty !== 'string' || !ASYMMETRIC_TYPES.has(jwk.kty)) return { ok: false, problem: `keys[${index}] has an unsupported kty` };
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) continue;
    usable.push(jwk as JWK);
  }
  if (usable.length === 0) return { ok: false, problem: 'holds no public signing key' };
  return { ok: true, keys: usable, ignored: keys.length - usable.length };
}

/** A fetched jwks_uri body: JSON, then the same public-signing-keys-only check. */
export function parsePublicJwks(body: Buffer): JwksCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, problem: 'is not valid JSON' };
  }
  return checkPublicJwks(parsed);
}
