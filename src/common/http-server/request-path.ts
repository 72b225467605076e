import type { IncomingMessage } from 'node:http';

/** The path of a request without its query, as routing and the access log see it. */
export function requestPath(request: IncomingMessage): string {
  const url = request.url ?? '/';
  if (url.startsWith('/')) {
    const query = url.indexOf('?');
    return query < 0 ? url : url.slice(0, query);
  }
  // An absolute-form request target (RFC 9112 section 3.2.2).
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
