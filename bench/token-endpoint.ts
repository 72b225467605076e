import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase } from './lib/scratch-database.js';
import { canPin, firstLine, startNode, type Started } from './lib/processes.js';
import { QUICK } from './lib/bench-env.js';
import { ms, perSecond, printTable, ratio, type Row } from './lib/table.js';
import type { LoadPlan, LoadReport, LoadRun } from './token-endpoint/load.js';
import { GRANTS, type GrantName, type ServerPlan, type ServerReady } from './token-endpoint/plan.js';

/**
 * `npm run bench:token-endpoint`: tokens per second and p50/p99 latency of the token endpoint for
 * client_credentials and refresh_token with private_key_jwt, at a fixed concurrency, beside oidc-provider
 * configured the same way and measured in the same run. Servers on core 0, the load generator on core 1
 * (taskset, when present). Loopback only; bounded: BENCH_ROUNDS x BENCH_ROUND_MS per server and grant.
 * With DATABASE_URL, our server uses a scratch database on that PostgreSQL server (created and dropped
 * here), so every assertion jti is recorded in PostgreSQL; otherwise an in-memory PGlite.
 * BENCH_GRANTS: which grants to measure (default client_credentials,refresh_token).
 * BENCH_CPU_PROFILE_DIR: our server runs with --cpu-prof and writes its .cpuprofile there when stopped.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 2 : 5));
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? (QUICK ? 1000 : 5000));
const THROUGHPUT_GOAL = 1.2;
const P99_GOAL_MS = 50;
const OURS = 'attested-cimd';
const BASELINE = 'oidc-provider';
const script = (name: string) => fileURLToPath(new URL(`./token-endpoint/${name}.js`, import.meta.url));
const grants = (process.env.BENCH_GRANTS ?? GRANTS.join(',')).split(',').map((grant) => grant.trim()) as GrantName[];
const unknownGrant = grants.find((grant) => !GRANTS.includes(grant));
if (unknownGrant !== undefined || grants.length === 0) throw new Error(`BENCH_GRANTS: a comma-separated list of ${GRANTS.join(', ')} (got "${process.env.BENCH_GRANTS}")`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = 'bench-install-key';
const serverPlan: ServerPlan = { publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }, refreshTokens: CONCURRENCY * 2 };
const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
const started: Started[] = [];

async function startServer(name: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerReady> {
  const server = startNode(script(name), [], { ...env, BENCH_SERVER_PLAN: JSON.stringify(serverPlan) }, 0, nodeArgs);
  started.push(server);
  return JSON.parse(await firstLine(server, 120_000, (line) => line.startsWith('{"pid":'))) as ServerReady;
}

try {
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  const ours = await startServer('server', scratch ? { DATABASE_URL: scratch.url } : {}, profile);
  const baseline = await startServer('oidc-provider-server', {});
  const loadPlan: LoadPlan = {
    targets: [
      { name: OURS, ...ours },
      { name: BASELINE, ...baseline },
    ],
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid },
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    roundMs: ROUND_MS,
    warmupMs: 500,
    grants,
  };
  process.stdout.write(
    `token endpoint benchmark: private_key_jwt (ES256, a fresh assertion per request), c=${CONCURRENCY}, median of ${ROUNDS} x ${ROUND_MS / 1000} s per server and grant; ` +
      `ours on ${ours.database}, oidc-provider ${baseline.database}; ${canPin ? 'servers on core 0, load generator on core 1' : 'taskset unavailable: processes not pinned'}\n`,
  );
  const load = startNode(script('load'), [], { BENCH_LOAD_PLAN: JSON.stringify(loadPlan) }, 1);
  started.push(load);
  const report = JSON.parse(await firstLine(load, 30 * 60_000)) as LoadReport;

  const rows: Row[] = [];
  const notes: string[] = [];
  for (const grant of grants) {
    const mine = report[OURS][grant]!;
    const theirs = report[BASELINE][grant]!;
    const figure = (runs: LoadRun[], pick: (run: LoadRun) => number) => median(runs.map(pick));
    // Rounds of both servers ran back to back, so the median of per-round ratios cancels most drift.
    const rateRatio = median(mine.map((run, i) => run.perSecond / theirs[i].perSecond));
    const cc = grant === 'client_credentials';
    rows.push({
      what: `${grant} tokens/s`,
      figure: perSecond(figure(mine, (run) => run.perSecond)),
      baseline: `${BASELINE} ${perSecond(figure(theirs, (run) => run.perSecond))}`,
      ratio: `${rateRatio.toFixed(2)}x`,
      goal: cc ? `>= ${THROUGHPUT_GOAL}x: ${rateRatio >= THROUGHPUT_GOAL ? 'met' : 'NOT met'}` : '',
    });
    const p50 = figure(mine, (run) => run.p50Ms);
    const p99 = figure(mine, (run) => run.p99Ms);
    rows.push({ what: `${grant} p50`, figure: ms(p50), baseline: ms(figure(theirs, (run) => run.p50Ms)), ratio: ratio(p50, figure(theirs, (run) => run.p50Ms)) });
    rows.push({
      what: `${grant} p99`,
      figure: ms(p99),
      baseline: ms(figure(theirs, (run) => run.p99Ms)),
      ratio: ratio(p99, figure(theirs, (run) => run.p99Ms)),
      goal: cc ? `<= ${P99_GOAL_MS} ms: ${p99 <= P99_GOAL_MS ? 'met' : 'NOT met'}` : '',
    });
    const share = (runs: LoadRun[]) => (runs.every((run) => run.serverCpuShare !== undefined) ? median(runs.map((run) => run.serverCpuShare!)) : undefined);
    const [ourShare, theirShare] = [share(mine), share(theirs)];
    if (ourShare !== undefined && theirShare !== undefined) {
      notes.push(
        `${grant}: server process busy ${(ourShare * 100).toFixed(0)}% of its core (ours; ${ours.database === 'postgres' ? "PostgreSQL's own CPU not included" : 'PGlite runs inside it'}) vs ${(theirShare * 100).toFixed(0)}% (oidc-provider); ` +
          `CPU per token ${((ourShare * 1000) / figure(mine, (run) => run.perSecond)).toFixed(2)} ms vs ${((theirShare * 1000) / figure(theirs, (run) => run.perSecond)).toFixed(2)} ms`,
      );
    }
    for (const [name, runs] of [[OURS, mine], [BASELINE, theirs]] as const) {
      const errors = runs.reduce((sum, run) => sum + run.errors, 0);
      const late = runs.reduce((sum, run) => sum + run.signedInWindow, 0);
      if (errors > 0) notes.push(`${name} ${grant}: ${errors} failed requests, first: ${runs.find((run) => run.firstError)?.firstError}`);
      if (late > 0) notes.push(`${name} ${grant}: pre-signed assertions ran out; ${late} were signed inside the timed window`);
    }
  }
  printTable(`token endpoint, c=${CONCURRENCY} (ratio of tokens/s: median of per-round ratios)`, rows);
  for (const note of notes) process.stdout.write(`note: ${note}\n`);
} finally {
  for (const child of started.reverse()) await child.stop();
  await scratch?.drop();
}
