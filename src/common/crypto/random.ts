import { randomBytes } from 'node:crypto';

/** An unguessable opaque value (256 bits by default), base64url without padding. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** An identifier safe to put in a URL path segment: 128 bits, base64url. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
