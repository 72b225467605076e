import { createHash } from 'node:crypto';
import type { EnvReader } from '../env-reader.js';

/** An operator API credential: only its SHA-256 is kept. */
export interface AdminCredential {
  /** Hex SHA-256 of the bearer token; undefined means the admin API refuses every request. */
  readonly sha256Hex?: string;
  /** Set when the development token is in use, so the start-up log can say which token that is. */
  readonly developmentToken?: string;
}

/**
 * `<PREFIX>_ADMIN_TOKEN_SHA256` holds the hex SHA-256 of the operator's bearer token (the token itself
 * never sits in configuration). With DEV_ADMIN_TOKENS (development only) and no hash configured, the
 * token is `dev-<role>-admin-token`.
 */
export function readAdminCredential(env: EnvReader, prefix: 'AS' | 'BACKEND', role: string): AdminCredential {
  const name = `${prefix}_ADMIN_TOKEN_SHA256`;
  const hash = env.string(name);
  const devTokens = env.devSwitch('DEV_ADMIN_TOKENS');
  if (hash !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(hash.trim())) env.fail(name, 'the hex SHA-256 (64 hex digits) of the admin bearer token', hash);
    return { sha256Hex: hash.trim().toLowerCase() };
  }
  if (!devTokens) return {};
  const developmentToken = `dev-${role}-admin-token`;
  return { sha256Hex: createHash('sha256').update(developmentToken).digest('hex'), developmentToken };
}
