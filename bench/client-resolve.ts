import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientUsageRecorder } from '../src/authorization-server/clients/client-usage.recorder.js';
import { ClientsRepository } from '../src/authorization-server/clients/clients.repository.js';
import { StoredClientResolver } from '../src/authorization-server/clients/stored-client.resolver.js';
import { CimdDocuments } from '../src/authorization-server/cimd/cimd-documents.service.js';
import { JwksCacheRepository } from '../src/authorization-server/cimd/jwks-cache.repository.js';
import { JwksUriCache } from '../src/authorization-server/cimd/jwks-uri.cache.js';
import { SystemClock } from '../src/common/clock/clock.js';
import { SystemConnector, SystemHostResolver } from '../src/common/http/outbound-network.js';
import { SafeFetcher } from '../src/common/http/safe-fetcher.js';
import { AppLogger } from '../src/common/logging/app-logger.js';
import { loadConfig } from '../src/config/app-config.js';
import type { CimdConfig } from '../src/config/sections/cimd.js';
import { createPglite, openDatabase } from '../src/persistence/database.js';
import { createScratchDatabase } from './lib/scratch-database.js';

/**
 * Cost of ClientResolver.resolve() on the paths the token endpoint takes: an in-process hit, a
 * shared-cache hit (one indexed read), and a fetch of a no-store document from a loopback host.
 * Loopback only, bounded in count and time; embedded database unless DATABASE_URL is set.
 */
const HIT_COUNT = 20_000;
const DB_COUNT = 2_000;
const FETCH_COUNT = 200;

async function timed(count: number, run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await run();
  return Number(process.hrtime.bigint() - started) / 1e3 / count;
}

async function main(): Promise<void> {
  const base = loadConfig({ LOG_LEVEL: 'error' });
  // On PostgreSQL the benchmark works in a database of its own, dropped at the end.
  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
  const url = scratch?.url;
  const pglite = url ? undefined : await createPglite();
  const database = await openDatabase({ ...base.database, url, dataDir: '' }, { pglite });
  const logger = new AppLogger('error', 'bench', () => undefined);
  const clock = new SystemClock();
  const server = createServer((request, response) => {
    const id = `http://127.0.0.1:${(server.address() as AddressInfo).port}${request.url}`;
    const cacheControl = request.url?.startsWith('/nostore') ? 'no-store' : 'max-age=3600';
    response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': cacheControl });
    response.end(JSON.stringify({ client_id: id, client_name: 'Bench', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const build = (config: CimdConfig) => {
    const fetcher = new SafeFetcher({ ...config.outbound, allowLoopback: true, userAgent: 'bench' }, new SystemHostResolver(), new SystemConnector());
    const repository = new ClientsRepository(database.dataSource);
    const documents = new CimdDocuments(fetcher, repository, config, clock, logger);
    const jwks = new JwksUriCache(fetcher, new JwksCacheRepository(database.dataSource), config, clock, logger);
    return new StoredClientResolver(repository, documents, jwks, new ClientUsageRecorder(repository, clock, logger), config, clock);
  };
  const withMemory = build(base.cimd);
  const withoutMemory = build({ ...base.cimd, cache: { ...base.cimd.cache, memorySeconds: 0 } });
  const cached = `${origin}/cached/client.json`;
  await withMemory.resolve(cached);

  const rows: Array<[string, number, string, number]> = [];
  const map = new Map([[cached, {}]]);
  const mapGet = await timed(HIT_COUNT, async () => map.get(cached));
  rows.push(['resolve, in-process hit (us/op)', await timed(HIT_COUNT, () => withMemory.resolve(cached)), 'awaited Map.get', mapGet]);
  const select = await timed(DB_COUNT, () => database.dataSource.query('SELECT 1'));
  rows.push(['resolve, shared-cache hit (us/op)', await timed(DB_COUNT, () => withoutMemory.resolve(cached)), 'SELECT 1 round trip', select]);
  const rawFetch = await timed(FETCH_COUNT, async () => (await fetch(`${origin}/nostore/raw`)).text());
  let n = 0;
  rows.push(['resolve, fetch no-store document (us/op)', await timed(FETCH_COUNT, () => withMemory.resolve(`${origin}/nostore/${(n += 1)}/client.json`)), 'plain fetch() GET', rawFetch]);

  console.log(`client resolution benchmark (${database.kind})`);
  console.log(['what', 'figure', 'baseline', 'baseline figure', 'ratio'].join(' | '));
  for (const [what, figure, baseline, baselineFigure] of rows) {
    console.log([what, figure.toFixed(1), baseline, baselineFigure.toFixed(1), (figure / baselineFigure).toFixed(1)].join(' | '));
  }
  server.close();
  await database.close();
  await pglite?.close();
  await scratch?.drop();
}

await main();
