/** Hosts that name the user's own machine (RFC 8252 section 7.3; `localhost` kept for real clients). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export interface RedirectUriRules {
  /** OAuth 2.1 section 2.3.1: private-use schemes in reverse-domain form (com.example.app:/cb). */
  readonly allowPrivateUseSchemes: boolean;
}

export function isLoopbackRedirect(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Why a registered redirect URI is unacceptable, or undefined: absolute, no fragment, no wildcard,
 * https or loopback http (OAuth 2.1 section 2.3, RFC 9700 section 2.1), or a reverse-domain
 * private-use scheme where the profile admits them. Never javascript:, data:, file: and the like.
 */
export function redirectUriProblem(value: unknown, rules: RedirectUriRules): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'is not a non-empty string';
  if (value.length > 2000) return 'is longer than 2000 characters';
  if (value.includes('#')) return 'has a fragment';
  if (value.includes('*')) return 'has a wildcard';
  if (/[\s\x00-\x1f\x7f\\]/.test(value)) return 'has whitespace, control characters or a backslash';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URI';
  }
  if (url.protocol === 'https:') return url.username || url.password ? 'has userinfo' : undefined;
  if (url.protocol === 'http:') return isLoopbackRedirect(url) ? undefined : 'uses http on a non-loopback host';
  const scheme = url.protocol.slice(0, -1);
  if (['javascript', 'data', 'file', 'vbscript', 'blob', 'about', 'ftp', 'ws', 'wss'].includes(scheme)) return `uses the forbidden scheme ${scheme}:`;
  if (!rules.allowPrivateUseSchemes) return `uses the private-use scheme ${scheme}: (only https and loopback http are allowed)`;
  // OAuth 2.1 section 2.3.1 / RFC 8252 section 7.1: reverse domain name with at least one dot.
  if (!/^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/.test(scheme)) return `uses the private-use scheme ${scheme}:, which is not in reverse-domain form`;
  return undefined;
}
