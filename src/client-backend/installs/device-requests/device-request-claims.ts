/** JOSE `typ` of a device-signed lifecycle request (explicit typing, RFC 8725 section 3.11). */
export const DEVICE_REQUEST_TYP = 'device-request+jwt';
/** The longest lifetime a device request may claim. */
export const DEVICE_REQUEST_MAX_LIFETIME_SECONDS = 300;
const SKEW_SECONDS = 30;

export interface DeviceRequestExpectation {
  /** The install's client_id: required as `iss` and `sub`. */
  readonly clientId: string;
  /** The backend public URL: required as the only `aud`. */
  readonly audience: string;
  /** HTTP method and URL (public origin + path) of this request, as `htm` and `htu`. */
  readonly method: string;
  readonly url: string;
  readonly kid: string;
  readonly nowSeconds: number;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * The claims of a device request whose signature already verified with the install's current key.
 * Returns what is wrong (for the log), or undefined. The `jti` is checked for reuse separately.
 */
export function deviceRequestProblem(header: Record<string, unknown>, claims: Record<string, unknown>, expected: DeviceRequestExpectation): string | undefined {
  const now = expected.nowSeconds;
  if (header.typ !== DEVICE_REQUEST_TYP) return `typ is ${String(header.typ)}, not ${DEVICE_REQUEST_TYP}`;
  if (header.alg !== 'ES256') return `alg is ${String(header.alg)}`;
  if (header.kid !== undefined && header.kid !== expected.kid) return 'kid is not the install\'s current key';
  if (header.crit !== undefined) return 'crit is not supported';
  if (claims.iss !== expected.clientId || claims.sub !== expected.clientId) return 'iss and sub must both be the install client_id';
  const audience = Array.isArray(claims.aud) && claims.aud.length === 1 ? claims.aud[0] : claims.aud;
  if (audience !== expected.audience) return `aud must be exactly ${expected.audience}`;
  if (!isNumber(claims.exp) || !isNumber(claims.iat)) return 'exp and iat are required numbers';
  if (claims.exp <= now - SKEW_SECONDS) return 'expired';
  if (claims.exp > now + DEVICE_REQUEST_MAX_LIFETIME_SECONDS + SKEW_SECONDS) return `exp is more than ${DEVICE_REQUEST_MAX_LIFETIME_SECONDS} s ahead`;
  if (claims.iat > now + SKEW_SECONDS) return 'iat is in the future';
  if (claims.iat < now - DEVICE_REQUEST_MAX_LIFETIME_SECONDS - SKEW_SECONDS) return 'iat is too old';
  if (claims.nbf !== undefined && (!isNumber(claims.nbf) || claims.nbf > now + SKEW_SECONDS)) return 'nbf is in the future';
  if (typeof claims.jti !== 'string' || claims.jti.length < 16 || claims.jti.length > 256) return 'jti must be a string of 16 to 256 characters';
  if (claims.htm !== expected.method) return `htm must be ${expected.method}`;
  if (claims.htu !== expected.url) return `htu must be ${expected.url}`;
  return undefined;
}
