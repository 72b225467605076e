import { randomBytes, randomFillSync } from 'node:crypto';

/** An unguessable opaque value (256 bits by default), base64url without padding. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** An identifier safe to put in a URL path segment: 128 bits, base64url. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

const POOL_BYTES = 12 * 512;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/**
 * A 96-bit request id for logs, base64url. Drawn from a pooled buffer refilled from the CSPRNG 512 ids
 * at a time: every request needs one, and one CSPRNG call per request shows in the request path.
 * Not for secrets (the pool lives in process memory): use randomToken for those.
 */
export function requestId(): string {
  if (poolOffset === POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 12;
  return pool.toString('base64url', poolOffset - 12, poolOffset);
}
