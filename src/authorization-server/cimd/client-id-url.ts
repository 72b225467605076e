export interface ClientIdUrlRules {
  /** Query components are NOT RECOMMENDED (CIMD -02 section 3); refused unless allowed here. */
  readonly allowQuery: boolean;
  /** Development only: http client ids on loopback hosts (localhost, 127.0.0.1, [::1]). */
  readonly allowLoopbackHttp: boolean;
  readonly maxLength: number;
}

export type ClientIdUrlCheck = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly reason: string };

const LOOPBACK_HTTP = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?\//;
/** A dot segment, also percent-encoded (%2e, %2E), between slashes or at the end of the path. */
const DOT_SEGMENT = /\/(\.|%2e){1,2}(?=\/|$)/i;

/** Whether a client_id is meant as a Client ID Metadata Document URL (rather than a registered id). */
export function looksLikeClientIdUrl(clientId: string): boolean {
  return clientId.startsWith('https://') || clientId.startsWith('http://');
}

/**
 * CIMD -02 section 3, checked on the raw string before any parser normalises it: https with a path,
 * no userinfo, no fragment (not even an empty one), no `.` or `..` segments (encoded or not), no query
 * unless allowed, a bounded length. The string must also already be exactly what the WHATWG URL
 * parser would produce, so the URL that is fetched is the string that is compared (section 3 compares
 * client ids as plain strings): no upper case host, default port, IP spelling tricks or odd characters.
 */
export function checkClientIdUrl(raw: string, rules: ClientIdUrlRules): ClientIdUrlCheck {
  const refuse = (reason: string): ClientIdUrlCheck => ({ ok: false, reason });
  if (raw.length > rules.maxLength) return refuse(`longer than ${rules.maxLength} characters`);
  if (!raw.startsWith('https://')) {
    if (!(rules.allowLoopbackHttp && LOOPBACK_HTTP.test(raw))) return refuse('the scheme must be https');
  }
  const afterScheme = raw.slice(raw.indexOf('://') + 3);
  const pathStart = afterScheme.search(/[/?#]/);
  const authority = pathStart < 0 ? afterScheme : afterScheme.slice(0, pathStart);
  if (authority.includes('@')) return refuse('userinfo is not allowed');
  if (authority.length === 0) return refuse('the host is missing');
  if (pathStart < 0 || afterScheme[pathStart] !== '/') return refuse('a path is required');
  if (raw.includes('#')) return refuse('a fragment is not allowed');
  const query = raw.indexOf('?');
  if (query >= 0 && !rules.allowQuery) return refuse('a query component is not allowed');
  const path = afterScheme.slice(pathStart, query >= 0 ? afterScheme.indexOf('?') : undefined);
  if (DOT_SEGMENT.test(path)) return refuse('"." and ".." path segments are not allowed (also percent-encoded)');
  if (/[\\\s\x00-\x1f\x7f]/.test(raw)) return refuse('backslashes, whitespace and control characters are not allowed');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('not a valid URL');
  }
  if (url.href !== raw) return refuse(`not in canonical form (the URL parser reads it as ${url.href.slice(0, 120)})`);
  return { ok: true, url };
}
