import type { EnvReader, Mode } from '../env-reader.js';

export const ROLES = ['authorization-server', 'client-backend', 'mcp-resource'] as const;
export type Role = (typeof ROLES)[number];
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ServerConfig {
  readonly mode: Mode;
  readonly roles: readonly Role[];
  readonly logLevel: LogLevel;
  /** Peers whose X-Forwarded-* headers are believed (IPs, CIDRs, or express keywords such as loopback). */
  readonly trustProxy: readonly string[];
  readonly bodyLimitBytes: number;
  readonly shutdownGraceMs: number;
}

const IP_OR_CIDR = /^(?:[0-9.]+|[0-9a-f:.]+)(?:\/\d{1,3})?$/i;
const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];

export function readServerConfig(env: EnvReader): ServerConfig {
  const roles = env.list('ROLES', ROLES);
  for (const role of roles) {
    if (!(ROLES as readonly string[]).includes(role)) env.fail('ROLES', `a list of ${ROLES.join(', ')}`, role);
  }
  if (roles.length === 0) env.fail('ROLES', 'at least one role');
  const trustProxy = env.list('TRUST_PROXY', []);
  for (const entry of trustProxy) {
    if (!IP_OR_CIDR.test(entry) && !PROXY_KEYWORDS.includes(entry)) {
      env.fail('TRUST_PROXY', `a list of IP addresses, CIDR ranges or ${PROXY_KEYWORDS.join('/')}`, entry);
    }
  }
  return {
    mode: env.mode,
    roles: [...new Set(roles)] as Role[],
    logLevel: env.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'], env.mode === 'production' ? 'info' : 'debug'),
    trustProxy,
    bodyLimitBytes: env.bytes('BODY_LIMIT', 64 * 1024, { min: 1024, max: 10 * 1024 * 1024 }),
    shutdownGraceMs: env.int('SHUTDOWN_GRACE_MS', 10_000, { min: 0, max: 600_000 }),
  };
}
