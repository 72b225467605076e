/**
 * RFC 9110 section 13.1.2: If-None-Match matches when it is `*` or lists the current entity tag under
 * the weak comparison (a `W/` prefix on either side is ignored).
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}
