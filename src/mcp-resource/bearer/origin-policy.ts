export interface OriginPolicy {
  readonly allowed: readonly string[];
  /** Development: any loopback origin (local MCP Inspector, a client on another local port). */
  readonly allowLoopback: boolean;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * MCP 2025-11-25 transports, Security Warning: a browser-sent Origin must be one this server expects,
 * or a page elsewhere could drive it (DNS rebinding). Compared as exact serialized origins; "null" and
 * anything unparseable are refused.
 */
export function isAllowedOrigin(origin: string, policy: OriginPolicy): boolean {
  if (policy.allowed.includes(origin)) return true;
  if (!policy.allowLoopback) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname) && url.origin === origin;
}
