import { fileURLToPath } from 'node:url';
import type { LoadResult } from './client-backend/load-loop.js';
import { QUICK } from './lib/bench-env.js';
import { canPin, firstLine, startNode } from './lib/processes.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { printTable, type Row } from './lib/table.js';

/**
 * `npm run bench:client-backend`: install registrations per second on the android-key path, and
 * client.json requests per second next to a bare NestJS hello endpoint measured in the same run.
 * The server and the load generator are separate processes, pinned to different cores with taskset
 * when it is available. Loopback only; bounded (BENCH_REGISTRATIONS, BENCH_SECONDS; BENCH_QUICK=1 shortens
 * both). With DATABASE_URL set, the backend works in a scratch database on that server, dropped at the end.
 */
const REGISTRATIONS = Number(process.env.BENCH_REGISTRATIONS ?? (QUICK ? 200 : 1500));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DOCUMENT_SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 1 : 5));
const CEILING_SECONDS = QUICK ? '1' : '3';
const script = (name: string) => fileURLToPath(new URL(`./client-backend/${name}.js`, import.meta.url));

const start = (name: string, core: number, env: Record<string, string> = {}) => startNode(script(name), [], env, core);

const rate = (result: LoadResult) => `${Math.round(result.perSecond)}/s`;
const latency = (result: LoadResult) => `p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`;

const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
const server = start('server', 0, scratch ? { BENCH_SERVER_DATABASE_URL: scratch.url } : {});
try {
  const urls = JSON.parse(await firstLine(server, 60_000)) as { backend: string; hello: string; dataDir: string; database: string };
  const plan = { ...urls, registrations: REGISTRATIONS, concurrency: CONCURRENCY, documentSeconds: DOCUMENT_SECONDS };
  const load = start('load', 1, { BENCH_PLAN: JSON.stringify(plan) });
  const results = JSON.parse(await firstLine(load, 300_000)) as {
    challenges: LoadResult;
    registered: LoadResult;
    buildSeconds: number;
    rounds: Array<{ documents: LoadResult; hello: LoadResult }>;
  };
  await server.stop();
  const ceiling = JSON.parse(await firstLine(start('library-ceiling', 0, { BENCH_CEILING_SECONDS: CEILING_SECONDS }), 120_000)) as { perSecond: number; msEach: number };
  const best = (pick: (round: { documents: LoadResult; hello: LoadResult }) => LoadResult) =>
    results.rounds.map(pick).reduce((a, b) => (a.perSecond >= b.perSecond ? a : b));
  const documents = best((round) => round.documents);
  const hello = best((round) => round.hello);
  const created = results.registered.statuses[201] ?? 0;
  const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}x`;
  const rows: Row[] = [
    {
      what: `install registrations, android-key (${created}/${results.registered.requests} created, c=${CONCURRENCY})`,
      figure: rate(results.registered),
      baseline: '',
      ratio: ratio(results.registered.perSecond, 500),
      goal: '500/s',
    },
    { what: '  latency', figure: latency(results.registered), baseline: '', ratio: '' },
    {
      what: '  ceiling: @simplewebauthn/server verifyRegistrationResponse alone (1 core, no HTTP/DB/policy)',
      figure: `${Math.round(ceiling.perSecond)}/s (${ceiling.msEach.toFixed(2)} ms each)`,
      baseline: '',
      ratio: ratio(ceiling.perSecond, 500),
      goal: '500/s',
    },
    { what: `attestation challenges (c=${CONCURRENCY})`, figure: rate(results.challenges), baseline: '', ratio: '' },
    {
      what: `GET /<install-id>/client.json (c=${CONCURRENCY * 2}, best of ${results.rounds.length} x ${DOCUMENT_SECONDS}s)`,
      figure: rate(documents),
      baseline: `bare NestJS hello ${rate(hello)}`,
      ratio: ratio(documents.perSecond, hello.perSecond),
    },
    { what: '  latency', figure: latency(documents), baseline: latency(hello), ratio: '' },
  ];
  printTable(
    `client backend benchmark: database ${urls.database}, ${canPin ? 'server on core 0, load generator on core 1' : 'taskset unavailable: processes not pinned'}`,
    rows,
  );
  console.log(`(attestations built beforehand by the load generator in ${results.buildSeconds.toFixed(1)} s; not timed)`);
  const failures = Object.entries(results.registered.statuses).filter(([status]) => status !== '201');
  if (failures.length > 0) console.log(`registration statuses other than 201: ${JSON.stringify(Object.fromEntries(failures))}`);
} finally {
  await server.stop();
  await scratch?.drop();
}
