import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 section 4.1/4.2: 43 to 128 characters from the unreserved set. */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

export type PkceProblem = 'missing_challenge' | 'unsupported_method' | 'malformed_challenge';

/**
 * OAuth 2.1 section 4.1.1 and 7.5.1, BCP section 2.1.1: a code_challenge is required from every client,
 * and only S256 is accepted. A missing method means "plain" (RFC 7636 section 4.3), so it is refused.
 */
export function checkCodeChallenge(challenge: string | undefined, method: string | undefined): PkceProblem | undefined {
  if (challenge === undefined) return 'missing_challenge';
  if (method !== 'S256') return 'unsupported_method';
  if (!PKCE_VALUE.test(challenge)) return 'malformed_challenge';
  return undefined;
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** RFC 7636 section 4.6: BASE64URL(SHA256(verifier)) equals the stored challenge. */
export function verifyCodeVerifier(verifier: string | undefined, challenge: string): boolean {
  if (verifier === undefined || !PKCE_VALUE.test(verifier)) return false;
  const expected = Buffer.from(challenge, 'ascii');
  const actual = Buffer.from(s256(verifier), 'ascii');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
