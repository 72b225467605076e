import { readFileSync } from 'node:fs';
import { createScratchDatabase } from '../../bench/lib/scratch-database.js';
import type { DatabaseConfig } from '../../src/config/sections/database.js';
import { createPglite, openDatabase, type Database } from '../../src/persistence/database.js';

export interface TestDatabase extends Database {
  /** Set on PostgreSQL: a URL other processes (replicas) can use to reach this same database. */
  readonly url?: string;
}

export const TEST_DATABASE_CONFIG: DatabaseConfig = {
  dataDir: '',
  poolSize: 10,
  connectTimeoutMs: 3000,
  statementTimeoutMs: 30_000,
};

/**
 * A fresh, migrated database for one test file: a new PostgreSQL database on the server named by
 * DATABASE_URL, or an embedded PGlite started from the migrated template.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const scratch = await createScratchDatabase(adminUrl, 'acimd_test');
    const database = await openDatabase({ ...TEST_DATABASE_CONFIG, url: scratch.url });
    return {
      ...database,
      url: scratch.url,
      async close() {
        await database.close();
        await scratch.drop();
      },
    };
  }
  const template = process.env.ACIMD_PGLITE_TEMPLATE;
  const pglite = await createPglite(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {});
  const database = await openDatabase(TEST_DATABASE_CONFIG, { pglite });
  return {
    ...database,
    async close() {
      await database.close();
      await pglite.close();
    },
  };
}
