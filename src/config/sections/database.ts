import type { EnvReader } from '../env-reader.js';

export interface DatabaseConfig {
  /** Real PostgreSQL through pg when set; embedded PGlite in dataDir otherwise. */
  readonly url?: string;
  readonly dataDir: string;
  readonly poolSize: number;
  /** How long a request may wait for a connection before it fails (503) instead of hanging. */
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

export function readDatabaseConfig(env: EnvReader): DatabaseConfig {
  const url = env.string('DATABASE_URL');
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    env.fail('DATABASE_URL', 'a postgres:// or postgresql:// connection URL', url.replace(/:[^:@/]*@/, ':***@'));
  }
  return {
    url,
    dataDir: env.string('DATA_DIR', './data'),
    poolSize: env.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 }),
    connectTimeoutMs: env.int('DATABASE_CONNECT_TIMEOUT_MS', 3000, { min: 100, max: 60_000 }),
    statementTimeoutMs: env.int('DATABASE_STATEMENT_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
  };
}
