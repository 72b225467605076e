import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/sections/database.js';
import { BoundedPgClient, QUERY_TIMEOUT_MARGIN_MS } from './bounded-pg-client.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations.js';
import { lockDataDir } from './pglite/data-dir-lock.js';
import { createPgliteDriver, PG_COMPATIBLE_PARSERS, PG_COMPATIBLE_SERIALIZERS } from './pglite/pglite-driver.js';

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  readonly kind: DatabaseKind;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

/** Serialises schema changes when several replicas start at once against one PostgreSQL. */
const MIGRATION_LOCK_ID = 0x61636d64; // "acmd"

const COMMON_OPTIONS = {
  type: 'postgres',
  entities: ENTITIES,
  migrations: MIGRATIONS,
  migrationsTableName: 'schema_migrations',
  migrationsRun: false,
  synchronize: false,
  logging: false,
  uuidExtension: 'pgcrypto',
  installExtensions: false,
} as const;

export interface OpenDatabaseOptions {
  /** An already created PGlite instance (tests); otherwise one is opened in config.dataDir. */
  readonly pglite?: PGlite;
  readonly runMigrations?: boolean;
}

export function createPglite(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<PGlite> {
  return PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    parsers: PG_COMPATIBLE_PARSERS,
    serializers: PG_COMPATIBLE_SERIALIZERS,
  });
}

async function migrate(dataSource: DataSource, kind: DatabaseKind): Promise<void> {
  if (kind === 'pglite') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lock.release();
  }
}

/**
 * Opens the database: PostgreSQL through `pg` when DATABASE_URL is set, otherwise embedded PGlite
 * under DATA_DIR. Runs pending migrations (never `synchronize`).
 */
export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  let kind: DatabaseKind;
  let dataSourceOptions: DataSourceOptions;
  let pglite: PGlite | undefined;
  let ownsPglite = false;
  let unlock = (): void => undefined;
  if (config.url && !options.pglite) {
    kind = 'postgres';
    dataSourceOptions = {
      ...COMMON_OPTIONS,
      url: config.url,
      poolSize: config.poolSize,
      connectTimeoutMS: config.connectTimeoutMs,
      applicationName: 'attested-cimd',
      extra: {
        statement_timeout: config.statementTimeoutMs,
        idle_in_transaction_session_timeout: config.statementTimeoutMs * 2,
        // statement_timeout is enforced by the server; a server that hangs (or a path that drops packets)
        // never sends that error, so the client gives up a little later and closes the connection.
        query_timeout: config.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
        Client: BoundedPgClient,
        // pg-pool: fail instead of queueing forever when every connection is busy or the server is gone
        connectionTimeoutMillis: config.connectTimeoutMs,
        keepAlive: true,
      },
    };
  } else {
    kind = 'pglite';
    pglite = options.pglite;
    if (!pglite) {
      const dir = join(config.dataDir, 'pglite');
      mkdirSync(dir, { recursive: true });
      unlock = lockDataDir(config.dataDir);
      pglite = await createPglite({ dataDir: dir }).catch((error) => {
        unlock();
        throw error;
      });
      ownsPglite = true;
    }
    dataSourceOptions = {
      ...COMMON_OPTIONS,
      database: 'postgres',
      driver: createPgliteDriver(pglite, config.statementTimeoutMs),
    };
  }
  const dataSource = new DataSource(dataSourceOptions);
  try {
    await dataSource.initialize();
    if (options.runMigrations !== false) await migrate(dataSource, kind);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    if (ownsPglite) await pglite?.close().catch(() => undefined);
    unlock();
    throw error;
  }
  return {
    kind,
    dataSource,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (ownsPglite && pglite && !pglite.closed) await pglite.close();
      unlock();
    },
  };
}
