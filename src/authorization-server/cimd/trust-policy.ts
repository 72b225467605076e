import type { MetadataPolicy } from './metadata-policy.js';

/**
 * A URL pattern in the style of Authlete's CIMD allowlist: scheme and host compared exactly (the host
 * may start with `*.` to admit every subdomain, not the bare domain), the port exactly (the scheme's
 * default when absent), and the pattern's path segments as a prefix of the URL's path segments.
 */
export interface UrlPattern {
  readonly pattern: string;
  readonly scheme: 'https' | 'http';
  readonly host: string;
  readonly wildcard: boolean;
  readonly port: number;
  readonly segments: readonly string[];
}

export interface TrustRule extends UrlPattern {
  /** Only confidential clients from here: the document must declare private_key_jwt. */
  readonly requirePrivateKeyJwt: boolean;
  /** A tighter upper bound on how long a document from here is cached. */
  readonly cacheMaxSeconds?: number;
  /** The global metadata policy merged with this rule's own. */
  readonly metadataPolicy: MetadataPolicy;
}

export type TrustMode = 'open' | 'allowlist';

export interface TrustPolicy {
  readonly mode: TrustMode;
  /** In allowlist mode the only admitted origins; in open mode they only attach settings. First match wins. */
  readonly allow: readonly TrustRule[];
  /** Always refused, whatever the mode; wins over allow. */
  readonly deny: readonly UrlPattern[];
}

const segmentsOf = (pathname: string) => pathname.split('/').filter((segment) => segment.length > 0);
const defaultPort = (scheme: string) => (scheme === 'http' ? 80 : 443);

export function parseUrlPattern(raw: unknown): UrlPattern {
  if (typeof raw !== 'string') throw new Error('a pattern must be a string such as "https://*.example.com/apps/"');
  const match = /^(https?):\/\/(\*\.)?([^/:?#@]+)(?::(\d{1,5}))?(\/[^?#]*)?$/.exec(raw);
  if (!match) throw new Error(`"${raw}" is not scheme://host[:port]/path (no userinfo, query or fragment; "*." only at the start of the host)`);
  const [, scheme, star, host, port, path = '/'] = match;
  if (host.includes('*')) throw new Error(`"${raw}": a wildcard may only be a leading "*." label`);
  return {
    pattern: raw,
    scheme: scheme as 'https' | 'http',
    host: host.toLowerCase(),
    wildcard: Boolean(star),
    port: port ? Number(port) : defaultPort(scheme),
    segments: segmentsOf(path),
  };
}

export function matchesPattern(url: URL, pattern: UrlPattern): boolean {
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== pattern.scheme) return false;
  if ((url.port ? Number(url.port) : defaultPort(scheme)) !== pattern.port) return false;
  const host = url.hostname.toLowerCase();
  if (pattern.wildcard ? !host.endsWith(`.${pattern.host}`) : host !== pattern.host) return false;
  const segments = segmentsOf(url.pathname);
  return pattern.segments.every((segment, index) => segments[index] === segment);
}

export type TrustDecision = { readonly ok: true; readonly rule?: TrustRule } | { readonly ok: false; readonly reason: string };

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The client_id itself: denylist first, then the allowlist (required in allowlist mode). */
export function decideClientId(policy: TrustPolicy, clientId: string): TrustDecision {
  const url = parse(clientId);
  if (!url) return { ok: false, reason: 'the client_id is not a URL' };
  const denied = policy.deny.find((pattern) => matchesPattern(url, pattern));
  if (denied) return { ok: false, reason: `the client_id matches the denylist entry ${denied.pattern}` };
  const rule = policy.allow.find((candidate) => matchesPattern(url, candidate));
  if (!rule && policy.mode === 'allowlist') return { ok: false, reason: 'the client_id matches no allowlist entry' };
  return { ok: true, rule };
}

export interface UrlField {
  readonly field: string;
  readonly value: string;
}

/** Loopback and private-use redirect URIs stay on the user's device: no origin to trust or deny. */
function isDeviceLocalRedirect(field: string, url: URL): boolean {
  if (!field.startsWith('redirect_uris')) return false;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}

/**
 * Every URL-valued field of the document passes the same policy as the client_id, so a trusted host
 * can't point its redirect URIs, jwks_uri, logo or any other endpoint somewhere else.
 */
export function checkUrlFields(policy: TrustPolicy, fields: readonly UrlField[]): TrustDecision {
  for (const { field, value } of fields) {
    const url = parse(value);
    if (!url) continue;
    if (isDeviceLocalRedirect(field, url)) continue;
    const denied = policy.deny.find((pattern) => matchesPattern(url, pattern));
    if (denied) return { ok: false, reason: `${field} ${value} matches the denylist entry ${denied.pattern}` };
    if (policy.mode === 'allowlist' && !policy.allow.some((rule) => matchesPattern(url, rule))) {
      return { ok: false, reason: `${field} ${value} is outside the allowlist` };
    }
  }
  return { ok: true };
}

/** Every URL-valued member (by RFC 7591 naming: *_uri, *_uris, *_url, *_endpoint), top level only. */
export function urlFieldsOf(document: Readonly<Record<string, unknown>>): UrlField[] {
  const fields: UrlField[] = [];
  for (const [name, value] of Object.entries(document)) {
    if (name === 'client_id' || !/(_uri|_uris|_url|_urls|_endpoint)$/.test(name)) continue;
    if (typeof value === 'string') fields.push({ field: name, value });
    else if (Array.isArray(value)) value.forEach((item, index) => typeof item === 'string' && fields.push({ field: `${name}[${index}]`, value: item }));
  }
  return fields;
}
