import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

export type ClientAddress = (request: IncomingMessage) => string;

/**
 * The address a request came from: the peer, or, when the peer is one of the configured proxies
 * (TRUST_PROXY), the nearest untrusted address in X-Forwarded-For. The same rule as Express's
 * `trust proxy` setting with the same list, so every route and the access log agree on it.
 */
export function clientAddressResolver(trustProxy: readonly string[]): ClientAddress {
  if (trustProxy.length === 0) return (request) => request.socket.remoteAddress ?? 'unknown';
  const trust = proxyaddr.compile([...trustProxy]);
  return (request) => proxyaddr(request, trust);
}
