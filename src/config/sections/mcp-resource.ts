import type { EnvReader } from '../env-reader.js';
import { readBaseUrl, readListener, requireHttps, type ListenerConfig } from './listener.js';

export interface McpResourceConfig {
  readonly listener: ListenerConfig;
  readonly publicUrl: string;
  /** The canonical resource URI (RFC 8707 section 2, RFC 9728 `resource`), compared as an exact string. */
  readonly resource: string;
  /** Human-readable name in the protected resource metadata (RFC 9728 `resource_name`). */
  readonly resourceName: string;
  /** The one authorization server whose access tokens this resource accepts (RFC 8414 issuer, exact string). */
  readonly authorizationServerIssuer: string;
  /** Origins a browser-based client may call /mcp from (MCP transports: Origin validation). */
  readonly allowedOrigins: readonly string[];
  /** Development only: also admit any loopback origin (http(s)://localhost, 127.0.0.1, [::1], any port). */
  readonly allowLoopbackOrigins: boolean;
  /** How long the AS metadata and JWKS are used before they are fetched again. */
  readonly jwksCacheSeconds: number;
  /** The least time between two JWKS fetches caused by a token naming an unknown `kid`. */
  readonly jwksRefetchIntervalSeconds: number;
  /** Tolerance for exp, nbf and iat. */
  readonly clockSkewSeconds: number;
  /** Outbound requests to the AS (metadata, JWKS): time and size bounds. */
  readonly fetchTimeoutMs: number;
  readonly fetchMaxBytes: number;
  /** Tickets one user may keep (open and closed). */
  readonly maxTicketsPerUser: number;
}

const ORIGIN_EXPECTED = 'a list of origins (scheme://host[:port], lowercase, no path or trailing slash)';

function readOrigins(env: EnvReader, defaults: readonly string[]): string[] {
  const origins = env.list('MCP_ALLOWED_ORIGINS', defaults);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== origin) {
      env.fail('MCP_ALLOWED_ORIGINS', ORIGIN_EXPECTED, origin);
    }
  }
  return [...new Set(origins)];
}

export function readMcpResourceConfig(env: EnvReader): McpResourceConfig {
  const listener = readListener(env, 'MCP', 'MCP_PUBLIC_URL', 3200);
  // The same setting and default as the AS's default resource (authorization-server.ts), so both agree.
  const resource = readBaseUrl(env, 'MCP_RESOURCE', `${listener.publicUrl}/mcp`);
  // Unless told otherwise, trust the AS_ISSUER setting (or its default), and name AS_ISSUER if it is bad.
  const issuerSetting = env.has('MCP_AS_ISSUER') ? 'MCP_AS_ISSUER' : 'AS_ISSUER';
  return {
    listener,
    publicUrl: listener.publicUrl,
    resource,
    resourceName: env.string('MCP_RESOURCE_NAME', 'Ticket desk (demo MCP server)'),
    authorizationServerIssuer: readBaseUrl(env, issuerSetting, 'http://localhost:3000'),
    allowedOrigins: readOrigins(env, [new URL(listener.publicUrl).origin, new URL(resource).origin]),
    allowLoopbackOrigins: env.devSwitch('MCP_ALLOW_LOOPBACK_ORIGINS'),
    jwksCacheSeconds: env.seconds('MCP_JWKS_CACHE_TTL', 300, { min: 5, max: 86400 }),
    jwksRefetchIntervalSeconds: env.seconds('MCP_JWKS_REFETCH_INTERVAL', 30, { min: 1, max: 3600 }),
    clockSkewSeconds: env.seconds('MCP_CLOCK_SKEW', 30, { min: 0, max: 300 }),
    fetchTimeoutMs: env.int('MCP_AS_FETCH_TIMEOUT_MS', 5000, { min: 100, max: 60_000 }),
    fetchMaxBytes: env.bytes('MCP_AS_FETCH_MAX_BYTES', 256 * 1024, { min: 1024, max: 4 * 1024 * 1024 }),
    maxTicketsPerUser: env.int('MCP_MAX_TICKETS_PER_USER', 1000, { min: 1, max: 1_000_000 }),
  };
}

/** Production rules that apply whenever this process runs the MCP server. */
export function checkMcpResourceProduction(env: EnvReader, config: McpResourceConfig): void {
  requireHttps(env, 'MCP_PUBLIC_URL', config.publicUrl);
  requireHttps(env, 'MCP_RESOURCE', config.resource);
  requireHttps(env, env.has('MCP_AS_ISSUER') ? 'MCP_AS_ISSUER' : 'AS_ISSUER', config.authorizationServerIssuer);
  for (const origin of config.allowedOrigins) requireHttps(env, 'MCP_ALLOWED_ORIGINS', origin);
}

