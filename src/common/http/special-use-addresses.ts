import { BlockList, isIP } from 'node:net';

/**
 * IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its updates), plus the ranges
 * that embed or translate IPv4 (mapped, compatible, NAT64, 6to4, Teredo): an outbound fetch must never
 * reach any of them (CIMD -02 section 8.6). Each entry names why it is here, for the refusal reason.
 */
const IPV4_RANGES: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, '"this network" (RFC 791)'],
  ['10.0.0.0', 8, 'private-use (RFC 1918)'],
  ['100.64.0.0', 10, 'shared address space / CGNAT (RFC 6598)'],
  ['127.0.0.0', 8, 'loopback (RFC 1122)'],
  ['169.254.0.0', 16, 'link-local, including cloud metadata 169.254.169.254 (RFC 3927)'],
  ['172.16.0.0', 12, 'private-use (RFC 1918)'],
  ['192.0.0.0', 24, 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0', 24, 'documentation TEST-NET-1 (RFC 5737)'],
  ['192.31.196.0', 24, 'AS112-v4 (RFC 7535)'],
  ['192.52.193.0', 24, 'AMT (RFC 7450)'],
  ['192.88.99.0', 24, 'deprecated 6to4 relay anycast (RFC 7526)'],
  ['192.168.0.0', 16, 'private-use (RFC 1918)'],
  ['192.175.48.0', 24, 'direct delegation AS112 (RFC 7534)'],
  ['198.18.0.0', 15, 'benchmarking (RFC 2544)'],
  ['198.51.100.0', 24, 'documentation TEST-NET-2 (RFC 5737)'],
  ['203.0.113.0', 24, 'documentation TEST-NET-3 (RFC 5737)'],
  ['224.0.0.0', 4, 'multicast (RFC 5771)'],
  ['240.0.0.0', 4, 'reserved, including broadcast 255.255.255.255 (RFC 1112, RFC 919)'],
];

const IPV6_RANGES: ReadonlyArray<readonly [string, number, string]> = [
  ['::', 128, 'unspecified address (RFC 4291)'],
  ['::1', 128, 'loopback (RFC 4291)'],
  ['::', 96, 'IPv4-compatible IPv6 (RFC 4291, deprecated)'],
  ['::ffff:0:0', 96, 'IPv4-mapped IPv6 (RFC 4291)'],
  ['64:ff9b::', 96, 'IPv4/IPv6 translation, NAT64 (RFC 6052)'],
  ['64:ff9b:1::', 48, 'local-use IPv4/IPv6 translation (RFC 8215)'],
  ['100::', 64, 'discard-only (RFC 6666)'],
  ['2001::', 32, 'Teredo, embeds an IPv4 address (RFC 4380)'],
  ['2001:2::', 48, 'benchmarking (RFC 5180)'],
  ['2001:10::', 28, 'deprecated ORCHID (RFC 4843)'],
  ['2001:20::', 28, 'ORCHIDv2 (RFC 7343)'],
  ['2001:db8::', 32, 'documentation (RFC 3849)'],
  ['2002::', 16, '6to4, embeds an IPv4 address (RFC 3056)'],
  ['3fff::', 20, 'documentation (RFC 9637)'],
  ['5f00::', 16, 'segment routing SIDs (RFC 9602)'],
  ['fc00::', 7, 'unique-local (RFC 4193)'],
  ['fe80::', 10, 'link-local unicast (RFC 4291)'],
  ['fec0::', 10, 'deprecated site-local (RFC 3879)'],
  ['ff00::', 8, 'multicast (RFC 4291)'],
];

interface Range {
  readonly list: BlockList;
  readonly family: 'ipv4' | 'ipv6';
  readonly name: string;
}

function build(): Range[] {
  const ranges: Range[] = [];
  for (const [family, table] of [['ipv4', IPV4_RANGES], ['ipv6', IPV6_RANGES]] as const) {
    for (const [network, prefix, name] of table) {
      const list = new BlockList();
      list.addSubnet(network, prefix, family);
      ranges.push({ list, family, name: `${network}/${prefix} ${name}` });
    }
  }
  return ranges;
}

const RANGES = build();
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** Strips the brackets of an IPv6 URL host and any zone id; returns undefined when not an IP literal. */
export function ipLiteral(host: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const version = isIP(bare);
  if (version === 4) return { address: bare, family: 'ipv4' };
  if (version === 6) return { address: bare, family: 'ipv6' };
  return undefined;
}

/**
 * Why an address is special-use (the IANA range that holds it), or undefined for a globally reachable
 * unicast address. Anything that is not a valid IP address (as parsed by the platform) counts as
 * special-use: an outbound connection only ever goes to an address that passed this check.
 */
export function specialUseReason(address: string): string | undefined {
  const literal = ipLiteral(address);
  if (!literal) return 'not an IP address';
  for (const range of RANGES) {
    // Only same-family rules: BlockList would match an IPv4 address against the IPv6 ::ffff:0:0/96 rule.
    if (range.family === literal.family && range.list.check(literal.address, literal.family)) return range.name;
  }
  return undefined;
}

export function isSpecialUseAddress(address: string): boolean {
  return specialUseReason(address) !== undefined;
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8: the only addresses the development exception admits. */
export function isLoopbackAddress(address: string): boolean {
  const literal = ipLiteral(address);
  return literal !== undefined && LOOPBACK.check(literal.address, literal.family);
}
