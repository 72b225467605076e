import { FetchError } from './fetch-error.js';
import { ipLiteral, isLoopbackAddress, specialUseReason } from './special-use-addresses.js';

export interface OutboundTarget {
  readonly url: URL;
  readonly https: boolean;
  /** Hostname without IPv6 brackets. */
  readonly hostname: string;
  readonly port: number;
  /** Path and query, as sent in the request line. */
  readonly path: string;
  /** Set when the URL host is an IP literal (as the platform's URL parser reads it). */
  readonly literal?: { address: string; family: 4 | 6 };
}

/**
 * Parses a URL for an outbound fetch with the platform's WHATWG parser, so decimal, octal, hex and
 * short IPv4 spellings become the address they denote before any check. Only https, or http when the
 * development loopback exception is on (the addresses are then checked to be loopback).
 */
export function parseOutboundTarget(raw: string, allowLoopback: boolean): OutboundTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError('invalid_url', `not an absolute URL: ${raw.slice(0, 200)}`);
  }
  const https = url.protocol === 'https:';
  if (!https && !(url.protocol === 'http:' && allowLoopback)) {
    throw new FetchError('scheme_not_allowed', `only https URLs are fetched (got ${url.protocol})`);
  }
  if (url.username || url.password) throw new FetchError('invalid_url', 'URL carries userinfo');
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = ipLiteral(hostname);
  return {
    url,
    https,
    hostname,
    port: url.port ? Number(url.port) : https ? 443 : 80,
    path: `${url.pathname}${url.search}`,
    literal: literal && { address: literal.address, family: literal.family === 'ipv6' ? 6 : 4 },
  };
}

/**
 * CIMD -02 section 8.6: the address must not be special-use. The development exception admits
 * loopback addresses only; plain http is admitted only towards loopback.
 */
export function refusalFor(address: string, target: Pick<OutboundTarget, 'https'>, allowLoopback: boolean): string | undefined {
  if (allowLoopback && isLoopbackAddress(address)) return undefined;
  if (!target.https) return `plain http is allowed only to loopback (development), and ${address} is not loopback`;
  const reason = specialUseReason(address);
  return reason && `${address} is special-use: ${reason}`;
}
