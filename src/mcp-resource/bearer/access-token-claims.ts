/**
 * Asymmetric algorithms only: `none` and the HMAC family can never verify an access token, because a
 * resource holding a shared secret could mint tokens itself (RFC 8725 section 3.1; RFC 9068 section 4).
 */
export const ACCEPTED_ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
export type AcceptedAlgorithm = (typeof ACCEPTED_ALGORITHMS)[number];

/** RFC 9068 section 4: typ at+jwt or application/at+jwt; media types compare case-insensitively (RFC 7515 section 4.1.9). */
const ACCESS_TOKEN_TYPES = ['at+jwt', 'application/at+jwt'];
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 section 3.3

export interface AccessTokenPolicy {
  /** The AS issuer identifier, compared as an exact string. */
  readonly issuer: string;
  /** This resource's canonical URI, compared as an exact string. */
  readonly resource: string;
  readonly clockSkewSeconds: number;
}

/** The claims of a verified RFC 9068 access token that the resource uses. */
export interface AccessTokenClaims {
  /** The user (or, for client_credentials, the client) the token speaks for. */
  readonly subject: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  readonly issuedAt: number;
  readonly jwtId: string;
  readonly authTime?: number;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function boundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

const isNumericDate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * The JOSE header of an access token. Only `alg`, `typ` and `kid` matter: keys come from the AS JWKS
 * alone, so `jku`, `x5u`, `jwk` and `x5c` are never used (RFC 8725 section 3.10), and `crit` is
 * enforced by the signature verification.
 */
export function checkAccessTokenHeader(header: unknown): Checked<{ alg: AcceptedAlgorithm; kid: string }> {
  if (!isRecord(header)) return refuse('header is not a JSON object');
  const { alg, typ, kid } = header;
  if (typeof alg !== 'string' || !(ACCEPTED_ALGORITHMS as readonly string[]).includes(alg)) {
    return refuse(`alg ${String(alg)} is not an accepted asymmetric algorithm`);
  }
  if (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.includes(typ.toLowerCase())) {
    return refuse(`typ ${String(typ)} is not at+jwt`);
  }
  if (!boundedString(kid, 256)) return refuse('kid is missing');
  return { ok: true, value: { alg: alg as AcceptedAlgorithm, kid } };
}

function checkScope(scope: unknown): Checked<string[]> {
  if (scope === undefined) return { ok: true, value: [] };
  if (typeof scope !== 'string' || scope.length > 4096) return refuse('scope is not a string');
  if (scope === '') return { ok: true, value: [] };
  const scopes = scope.split(' ');
  if (!scopes.every((token) => SCOPE_TOKEN.test(token))) return refuse('scope is not a space-separated list of scope tokens');
  return { ok: true, value: [...new Set(scopes)] };
}

function checkAudience(aud: unknown, resource: string): boolean {
  // RFC 9068 section 4, RFC 8707 section 2: the token names this resource exactly.
  if (typeof aud === 'string') return aud === resource;
  return Array.isArray(aud) && aud.length > 0 && aud.every((item) => typeof item === 'string') && aud.includes(resource);
}

/** RFC 9068 sections 2.2 and 4: the claims of an access token this resource may accept, at `now` (seconds). */
export function checkAccessTokenClaims(payload: unknown, policy: AccessTokenPolicy, now: number): Checked<AccessTokenClaims> {
  if (!isRecord(payload)) return refuse('payload is not a JSON object');
  const { iss, aud, exp, nbf, iat, sub, client_id: clientId, jti, scope, auth_time: authTime } = payload;
  const skew = policy.clockSkewSeconds;
  if (iss !== policy.issuer) return refuse(`iss ${JSON.stringify(iss)} is not the trusted issuer`);
  if (!checkAudience(aud, policy.resource)) return refuse(`aud ${JSON.stringify(aud)} does not name this resource`);
  if (!isNumericDate(exp)) return refuse('exp is missing');
  if (exp <= now - skew) return refuse(`expired at ${exp}`);
  if (!isNumericDate(iat)) return refuse('iat is missing');
  if (iat > now + skew) return refuse(`issued in the future (${iat})`);
  if (nbf !== undefined && (!isNumericDate(nbf) || nbf > now + skew)) return refuse(`not valid before ${String(nbf)}`);
  if (!boundedString(sub, 1024)) return refuse('sub is missing');
  if (!boundedString(clientId, 2048)) return refuse('client_id is missing');
  if (!boundedString(jti, 256)) return refuse('jti is missing');
  if (authTime !== undefined && !isNumericDate(authTime)) return refuse('auth_time is not a NumericDate');
  const scopes = checkScope(scope);
  if (!scopes.ok) return scopes;
  return {
    ok: true,
    value: { subject: sub, clientId, scopes: scopes.value, expiresAt: exp, issuedAt: iat, jwtId: jti, authTime },
  };
}
