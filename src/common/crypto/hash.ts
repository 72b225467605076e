import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret, used as the stored lookup key of one-time artifacts (codes, tokens, challenges). */
export function sha256Base64Url(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('base64url');
}

export function sha256(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares two strings in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = sha256(a);
  const right = sha256(b);
  return timingSafeEqual(left, right) && a.length === b.length;
}
