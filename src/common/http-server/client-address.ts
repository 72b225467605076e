import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

export type ClientAddress = (request: IncomingMessage) => string;
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * Which peers' X-Forwarded-* headers are believed (TRUST_PROXY: IPs, CIDRs, loopback, linklocal,
 * uniquelocal). The one definition of the rule: Express's `trust proxy` setting is given this function,
 * and clientAddressResolver applies it, so every route and the access log agree on a request's address.
 */
export function proxyTrust(trustProxy: readonly string[]): ProxyTrust {
  return trustProxy.length === 0 ? () => false : proxyaddr.compile([...trustProxy]);
}

/** The address a request came from: the peer, or, behind trusted proxies, the nearest untrusted X-Forwarded-For entry. */
export function clientAddressResolver(trustProxy: readonly string[]): ClientAddress {
  if (trustProxy.length === 0) return (request) => request.socket.remoteAddress ?? 'unknown';
  const trust = proxyTrust(trustProxy);
  return (request) => proxyaddr(request, trust);
}
