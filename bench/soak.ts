import 'reflect-metadata';
import { EnvReader } from '../src/config/env-reader.js';
import { RATE_LIMIT_DEFAULTS } from '../src/config/sections/rate-limits.js';
import { discover } from '../src/device-simulator/oauth/discovery.js';
import { DocumentHost } from '../test/support/document-host.js';
import { createScratchDatabase, type ScratchDatabase } from './lib/scratch-database.js';
import { printTable, type Row } from './lib/table.js';
import { confidentialRound, OPERATIONS, publicRound, type FlowContext, type Operation, type Step } from './soak/flows.js';
import { startSoakServer, type SoakServer } from './soak/server-handle.js';
import type { ServerSample } from './soak/server-probe.js';

/**
 * `npm run soak`: the real service (all three roles, loopback, PGlite, or a scratch database on the
 * PostgreSQL server of DATABASE_URL) under a bounded mixed load at fixed concurrency for SOAK_DURATION.
 * Three quarters of the workers play native apps with attested installs (register, sign in,
 * private_key_jwt token, MCP calls, refresh); the rest play public CIMD clients served by a loopback
 * document host. The server's heap (after a full GC) and live handles are read over IPC from a probe
 * preloaded into it, once after a warm-up round and once at the end, both with no load in flight. Exits
 * non-zero on any error, on heap growth beyond SOAK_MAX_HEAP_GROWTH_MB, or on more handles at the end.
 */
const settings = new EnvReader(process.env);
const DURATION_S = settings.seconds('SOAK_DURATION', 300, { min: 5, max: 3600 });
const CONCURRENCY = settings.int('SOAK_CONCURRENCY', 16, { min: 4, max: 64 });
const MAX_HEAP_GROWTH_MB = settings.int('SOAK_MAX_HEAP_GROWTH_MB', 64, { min: 1, max: 4096 });
/** Long enough for idle keep-alive sockets (server 5 s, client 4 s) and idle pool connections to close. */
const SETTLE_MS = 6_000;
const HANDLE_SETTLE_LIMIT_MS = 20_000;
const MID_SAMPLE_MS = 15_000;
/** The server is killed if it is still running this long after its start (boot, warm-up, run, settling). */
const LIFETIME_MS = DURATION_S * 1000 + 10 * 60_000;
const USER = { username: 'demo', password: 'demo-password' };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tally {
  ok: number;
  errors: number;
  firstErrors: string[];
}

const tallies = Object.fromEntries(OPERATIONS.map((kind): [Operation, Tally] => [kind, { ok: 0, errors: 0, firstErrors: [] }])) as Record<Operation, Tally>;
let rounds = 0;

/** The step runner of one kind of client: its failures are reported with the client kind in front. */
const stepFor = (client: string): Step => async (kind, run) => {
  try {
    const result = await run();
    tallies[kind].ok += 1;
    return result;
  } catch (error) {
    const tally = tallies[kind];
    tally.errors += 1;
    const message = `${client} client: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    if (tally.firstErrors.length < 3 && !tally.firstErrors.includes(message)) tally.firstErrors.push(message);
    throw error;
  }
};

function resourceCounts(sample: ServerSample): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of sample.resources) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

const describeResources = (sample: ServerSample) =>
  [...resourceCounts(sample)].sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => `${name} ${count}`).join(', ');

async function main(): Promise<number> {
  const adminUrl = process.env.DATABASE_URL;
  let scratch: ScratchDatabase | undefined;
  let host: DocumentHost | undefined;
  let server: SoakServer | undefined;
  try {
    scratch = adminUrl ? await createScratchDatabase(adminUrl) : undefined;
    // Rate limits stay on (their shared counters are part of every request's path) but far above this load.
    const generous = { limit: 1_000_000_000, window_seconds: 60 };
    const env: Record<string, string> = {
      LOG_LEVEL: 'warn',
      RATE_LIMITS: JSON.stringify(Object.fromEntries(Object.keys(RATE_LIMIT_DEFAULTS).map((name) => [name, generous]))),
      // Every worker signs in as the demo user and files a ticket per round: a few thousand in five minutes,
      // past the default cap of 1000 tickets per user (which then refuses create_ticket, as it should).
      MCP_MAX_TICKETS_PER_USER: '1000000',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    };
    host = await DocumentHost.start();
    const publicWorkers = Math.max(1, Math.round(CONCURRENCY / 4));
    const publicClients = Array.from({ length: publicWorkers }, (_, index) => {
      const path = `/soak-public-${index}/client.json`;
      const clientId = host!.url(path);
      const document = {
        client_id: clientId,
        client_name: `Soak public client ${index}`,
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      };
      // Cacheable for a while and revalidated with If-None-Match afterwards, like a real client host.
      host!.json(path, document, { etag: `"soak-${index}"`, headers: { 'Cache-Control': 'max-age=30' } });
      return clientId;
    });

    const booted = Date.now();
    server = await startSoakServer(env, LIFETIME_MS);
    const { url, dataDir } = server.service;
    const backendUrl = url['client-backend']!;
    const mcp = url['mcp-resource']!;
    process.stdout.write(`soak: server ready in ${((Date.now() - booted) / 1000).toFixed(1)} s (database ${scratch ? 'postgres (scratch)' : 'pglite'}); ${CONCURRENCY} workers (${publicWorkers} public CIMD clients) for ${DURATION_S} s\n`);
    const context: FlowContext = { discovered: await discover(`${mcp}/mcp`), mcpUrl: `${mcp}/mcp`, backendUrl, dataDir, user: USER };
    const round = (worker: number) =>
      worker < publicWorkers
        ? publicRound(context, stepFor('public CIMD'), publicClients[worker])
        : confidentialRound(context, stepFor('attested install'), worker % 2 === 0 ? 'android-key' : 'packed');
    const guarded = (worker: number) =>
      round(worker).then(
        () => void (rounds += 1),
        () => undefined,
      );

    // Warm-up: one round per worker, so the start sample sees every pool, cache and lazy module in use.
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, worker) => guarded(worker)));
    await sleep(SETTLE_MS);
    const start = await server.sample();
    if (!start.collected) throw new Error('the server was not started with --expose-gc');

    const deadline = Date.now() + DURATION_S * 1000;
    let peakHeap = start.heapUsedBytes;
    const sampler = setInterval(() => {
      server!.sample().then((sample) => (peakHeap = Math.max(peakHeap, sample.heapUsedBytes)), () => undefined);
    }, MID_SAMPLE_MS);
    const measuredFrom = rounds;
    const okBefore = Object.fromEntries(OPERATIONS.map((kind) => [kind, tallies[kind].ok]));
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        while (Date.now() < deadline) await guarded(worker);
      }),
    );
    clearInterval(sampler);
    const measuredRounds = rounds - measuredFrom;

    // With the load stopped, wait for idle connections to close; then the handle count must be back.
    await sleep(SETTLE_MS);
    let end = await server.sample();
    const settleUntil = Date.now() + HANDLE_SETTLE_LIMIT_MS;
    while (end.resources.length > start.resources.length && Date.now() < settleUntil) {
      await sleep(1000);
      end = await server.sample();
    }

    const heapGrowth = end.heapUsedBytes - start.heapUsedBytes;
    const handleGrowth = end.resources.length - start.resources.length;
    const errors = OPERATIONS.reduce((sum, kind) => sum + tallies[kind].errors, 0);
    const rows: Row[] = [
      // ok counts the measured window; errors count the whole run, warm-up included.
      ...OPERATIONS.map((kind) => {
        const ok = tallies[kind].ok - okBefore[kind];
        return { what: `${kind} operations`, figure: `${ok} ok (${(ok / DURATION_S).toFixed(1)}/s), ${tallies[kind].errors} errors`, baseline: '', ratio: '', goal: '0 errors' };
      }),
      { what: 'rounds completed (after 1 warm-up round per worker)', figure: `${measuredRounds} (${(measuredRounds / DURATION_S).toFixed(2)}/s)`, baseline: '', ratio: '', goal: '' },
      {
        what: 'server heap used after GC, end',
        figure: mb(end.heapUsedBytes),
        baseline: `start ${mb(start.heapUsedBytes)}`,
        ratio: `${(end.heapUsedBytes / start.heapUsedBytes).toFixed(2)}x`,
        goal: `growth <= ${MAX_HEAP_GROWTH_MB} MB`,
      },
      { what: 'server heap used after GC, peak under load', figure: mb(peakHeap), baseline: `start ${mb(start.heapUsedBytes)}`, ratio: `${(peakHeap / start.heapUsedBytes).toFixed(2)}x`, goal: '' },
      { what: 'server RSS, end', figure: mb(end.rssBytes), baseline: `start ${mb(start.rssBytes)}`, ratio: `${(end.rssBytes / start.rssBytes).toFixed(2)}x`, goal: '' },
      {
        what: 'server active handles and requests, end',
        figure: String(end.resources.length),
        baseline: `start ${start.resources.length}`,
        ratio: `${(end.resources.length / start.resources.length).toFixed(2)}x`,
        goal: 'no growth',
      },
    ];
    printTable(`soak: ${CONCURRENCY} workers for ${DURATION_S} s, database ${scratch ? 'postgres' : 'pglite'}`, rows);
    process.stdout.write(`handles at start: ${describeResources(start)}\nhandles at end:   ${describeResources(end)}\n`);
    for (const kind of OPERATIONS) for (const message of tallies[kind].firstErrors) process.stdout.write(`${kind} error: ${message}\n`);

    const failures: string[] = [];
    if (errors > 0) failures.push(`${errors} operations failed`);
    if (heapGrowth > MAX_HEAP_GROWTH_MB * 1024 * 1024) failures.push(`heap grew by ${mb(heapGrowth)} (bound ${MAX_HEAP_GROWTH_MB} MB)`);
    if (handleGrowth > 0) failures.push(`${handleGrowth} more active handles at the end than at the start`);
    if (measuredRounds === 0) failures.push('no round completed in the measured window');
    if (failures.length > 0) process.stdout.write(`server log (warnings and errors):\n${server.logged().join('\n')}\n`);
    const stopping = Date.now();
    const exited = await server.service.stop();
    if (exited.code !== 0) failures.push(`the server did not shut down cleanly on SIGTERM (exit ${exited.code ?? exited.signal})`);
    process.stdout.write(`server stopped on SIGTERM in ${((Date.now() - stopping) / 1000).toFixed(1)} s\n`);
    process.stdout.write(failures.length === 0 ? 'soak passed\n' : `soak FAILED: ${failures.join('; ')}\n`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await server?.service.stop();
    await host?.stop();
    await scratch?.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
