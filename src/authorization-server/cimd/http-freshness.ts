export interface CacheBounds {
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

export type Freshness =
  | { readonly store: false; readonly reason: string }
  | {
      readonly store: true;
      /** Seconds the entry may be used without revalidation (0: revalidate on every use). */
      readonly lifetimeSeconds: number;
      /** Which header decided, for provenance and logs. */
      readonly source: string;
    };

/** Cache-Control directives by lower-case name; a directive without a value maps to ''. */
export function parseCacheControl(header: string | undefined): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...rest] = part.split('=');
    const key = name.trim().toLowerCase();
    if (key) directives.set(key, rest.join('=').trim().replace(/^"(.*)"$/, '$1'));
  }
  return directives;
}

function seconds(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * How long this server, a shared cache for every replica (RFC 9111), may keep a fetched document:
 * no-store and private mean never stored; no-cache means stored but revalidated on every use;
 * otherwise s-maxage, then max-age, then Expires (against Date), less Age, clamped to the
 * configured bounds. Without any of these the minimum applies (CIMD -02 section 5.2 lets the
 * server impose its own bounds).
 */
export function freshnessOf(headers: Readonly<Record<string, string>>, nowMs: number, bounds: CacheBounds): Freshness {
  const cacheControl = parseCacheControl(headers['cache-control']);
  if (cacheControl.has('no-store')) return { store: false, reason: 'Cache-Control: no-store' };
  if (cacheControl.has('private')) return { store: false, reason: 'Cache-Control: private (this server is a shared cache)' };
  const noCache = cacheControl.has('no-cache') || (!headers['cache-control'] && /no-cache/i.test(headers.pragma ?? ''));
  if (noCache) return { store: true, lifetimeSeconds: 0, source: 'no-cache: revalidate on every use' };

  let lifetime: number | undefined;
  let source: string;
  const sMaxAge = seconds(cacheControl.get('s-maxage'));
  const maxAge = seconds(cacheControl.get('max-age'));
  if (sMaxAge !== undefined) {
    lifetime = sMaxAge;
    source = 's-maxage';
  } else if (maxAge !== undefined) {
    lifetime = maxAge;
    source = 'max-age';
  } else if (headers.expires !== undefined) {
    const expires = Date.parse(headers.expires);
    const date = headers.date !== undefined ? Date.parse(headers.date) : NaN;
    // RFC 9111 section 5.3: an invalid Expires (such as "0") means already expired.
    lifetime = Number.isNaN(expires) ? 0 : Math.max(0, Math.floor((expires - (Number.isNaN(date) ? nowMs : date)) / 1000));
    source = 'Expires';
  } else {
    source = 'no freshness information (minimum applies)';
  }
  if (lifetime !== undefined) lifetime = Math.max(0, lifetime - (seconds(headers.age) ?? 0));
  const clamped = Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, lifetime ?? bounds.minSeconds));
  if (lifetime !== undefined && clamped !== lifetime) source = `${source} ${lifetime}s clamped to ${clamped}s`;
  return { store: true, lifetimeSeconds: clamped, source };
}
