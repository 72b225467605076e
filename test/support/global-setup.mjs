// Runs once per test run, outside jest's module system, so it uses the build that `pretest` makes.
// PGlite: builds one migrated data directory and dumps it, so each test file starts its own embedded
// database from the dump (about 1 s) instead of running initdb (3-4 s).
// PostgreSQL: removes databases left behind by runs that died more than an hour ago.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const STALE_AFTER_SECONDS = 3600;

export default async function globalSetup() {
  const url = process.env.DATABASE_URL;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'acimd_test_%'`);
      const now = Math.floor(Date.now() / 1000);
      for (const { datname } of rows) {
        const created = Number(datname.split('_')[2]);
        if (Number.isFinite(created) && now - created > STALE_AFTER_SECONDS) {
          await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
        }
      }
    } finally {
      await client.end();
    }
    return;
  }
  const built = new URL('../../dist/src/persistence/database.js', import.meta.url);
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` (npm test does it in pretest)');
  const { createPglite, openDatabase } = await import(built.href);
  const pglite = await createPglite();
  const database = await openDatabase({ dataDir: '', poolSize: 1, connectTimeoutMs: 5000, statementTimeoutMs: 30000 }, { pglite });
  await database.close();
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  const file = join(mkdtempSync(join(tmpdir(), 'acimd-pglite-')), 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  process.env.ACIMD_PGLITE_TEMPLATE = file;
}
