import 'reflect-metadata';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT, type CryptoKey, type KeyObject } from 'jose';
import { SigningKeysService } from '../src/authorization-server/keys/signing-keys.service.js';
import { openListener } from '../src/bootstrap/listener.js';
import { startSystem } from '../src/bootstrap/system.js';
import { SystemClock } from '../src/common/clock/clock.js';
import { AppLogger } from '../src/common/logging/app-logger.js';
import { loadConfig } from '../src/config/app-config.js';
import { createPglite, openDatabase } from '../src/persistence/database.js';
import { QUICK } from './lib/bench-env.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { printTable } from './lib/table.js';
import { BENCH_PRINCIPAL, McpUnguardedBenchModule } from './mcp-unguarded.module.js';

/**
 * Authenticated MCP tool calls per second (Origin check, bearer token verified against the AS JWKS,
 * per-tool scope check) against the same tool call with the guards left out, measured in the same run
 * on loopback. The server runs here; the load comes from a separate process, each pinned to its own
 * core when taskset exists. Bounded: a fixed number of fixed-length rounds at a fixed concurrency
 * (BENCH_QUICK=1: fewer, shorter rounds). With DATABASE_URL set, it works in a scratch database on that
 * server, dropped at the end.
 */
const CONCURRENCY = 8;
const ROUND_MS = QUICK ? 1000 : 2000;
const ROUNDS = QUICK ? 3 : 7;
const WARMUP_MS = QUICK ? 500 : 1500;
const GOAL = 0.85;
/** Fresh tokens per round of the no-cache variant: more than the calls one round can make here. */
const TOKENS_PER_ROUND = QUICK ? 2500 : 5000;

const hasTaskset = spawnSync('taskset', ['-V']).status === 0 && availableParallelism() >= 2;
const generatorScript = fileURLToPath(new URL('./mcp-load-generator.js', import.meta.url));

interface Round {
  readonly requests: number;
  readonly failures: number;
  readonly ms: number;
  readonly p50: number;
  readonly p99: number;
  readonly exhausted: boolean;
}

interface Target {
  readonly url: string;
  readonly token?: string;
  readonly tokensFile?: () => string;
}

function load(target: Target, body: string, durationMs: number): Promise<Round> {
  const args = [generatorScript, '--url', target.url, '--body', body, '--concurrency', String(CONCURRENCY), '--duration-ms', String(durationMs)];
  if (target.token) args.push('--token', target.token);
  if (target.tokensFile) args.push('--tokens-file', target.tokensFile());
  const [command, argv] = hasTaskset ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), durationMs + 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`load generator exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as Round);
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface TokenSigner {
  readonly kid: string;
  readonly alg: string;
  readonly key: CryptoKey | KeyObject;
}

function accessToken(signer: TokenSigner, claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, iat: now, exp: now + 3600, jti: randomUUID() })
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt' })
    .sign(signer.key);
}

type Variant = 'guarded' | 'fresh' | 'unguarded';
const VARIANTS: readonly Variant[] = ['guarded', 'fresh', 'unguarded'];
const scratch = mkdtempSync(join(tmpdir(), 'acimd-bench-'));

async function main(): Promise<void> {
  const scratchDatabase = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
  try {
    await measure(scratchDatabase?.url);
  } finally {
    await scratchDatabase?.drop();
  }
}

async function measure(databaseUrl: string | undefined): Promise<void> {
  if (hasTaskset) spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  const listeners = { 'authorization-server': await openListener({ port: 0, host: '127.0.0.1' }), 'mcp-resource': await openListener({ port: 0, host: '127.0.0.1' }) };
  const as = `http://127.0.0.1:${listeners['authorization-server'].port}`;
  const mcp = `http://127.0.0.1:${listeners['mcp-resource'].port}`;
  const config = loadConfig({
    MODE: 'development',
    ROLES: 'authorization-server,mcp-resource',
    LOG_LEVEL: 'warn',
    AS_KEY_ENCRYPTION_KEY: 'c'.repeat(64),
    AS_ISSUER: as,
    AS_PORT: String(listeners['authorization-server'].port),
    MCP_PUBLIC_URL: mcp,
    MCP_PORT: String(listeners['mcp-resource'].port),
    DATABASE_URL: databaseUrl,
  });
  const pglite = config.database.url ? undefined : await createPglite();
  const database = await openDatabase(config.database, { pglite });
  const logger = new AppLogger('warn');
  const system = await startSystem({ config, dataSource: database.dataSource, logger, clock: new SystemClock() }, listeners, {
    'mcp-resource': [McpUnguardedBenchModule],
  });
  try {
    const signer = await system.app('authorization-server').get(SigningKeysService).activeKey();
    const claims = {
      iss: config.authorizationServer.issuer,
      sub: BENCH_PRINCIPAL.subject,
      aud: config.mcpResource.resource,
      client_id: BENCH_PRINCIPAL.clientId,
      scope: BENCH_PRINCIPAL.scopes.join(' '),
    };
    const token = await accessToken(signer, claims);
    // The no-cache variant: every call carries a token never seen before, so every call verifies a signature.
    const freshTokens = await Promise.all(Array.from({ length: (ROUNDS + 1) * TOKENS_PER_ROUND }, () => accessToken(signer, claims)));
    let batch = 0;
    const tokensFile = () => {
      const file = join(scratch, `tokens-${batch}.txt`);
      writeFileSync(file, freshTokens.slice(batch * TOKENS_PER_ROUND, (batch + 1) * TOKENS_PER_ROUND).join('\n'));
      batch += 1;
      return file;
    };

    const id = randomUUID();
    await database.dataSource.query(
      `INSERT INTO mcp_tickets (id, owner_sub, client_id, title, body, status, created_at, updated_at)
       VALUES ($1, $2, $3, 'Benchmark ticket', 'Read over and over.', 'open', $4, $4)`,
      [id, BENCH_PRINCIPAL.subject, BENCH_PRINCIPAL.clientId, new Date()],
    );
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_ticket', arguments: { id } } });
    const targets: Record<Variant, Target> = {
      guarded: { url: `${mcp}/mcp`, token },
      fresh: { url: `${mcp}/mcp`, tokensFile },
      unguarded: { url: `${mcp}/bench/unguarded-mcp` },
    };

    process.stdout.write(
      `mcp-resource benchmark: get_ticket over Streamable HTTP, ${CONCURRENCY} connections, ${ROUNDS} x ${ROUND_MS} ms per variant, ` +
        `database ${config.database.url ? 'postgres' : 'pglite'}, ${hasTaskset ? 'server on core 0 and load on core 1' : 'no taskset: cores shared'}\n`,
    );
    for (const variant of VARIANTS) await load(targets[variant], body, WARMUP_MS);
    const results: Record<Variant, Round[]> = { guarded: [], fresh: [], unguarded: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotate the order so drift (thermal, other load) does not favour one variant.
      for (let i = 0; i < VARIANTS.length; i += 1) {
        const variant = VARIANTS[(round + i) % VARIANTS.length];
        results[variant].push(await load(targets[variant], body, ROUND_MS));
      }
    }
    const all = Object.values(results).flat();
    const failures = all.reduce((sum, round) => sum + round.failures, 0);
    if (failures > 0) throw new Error(`${failures} calls failed: the comparison would be meaningless`);
    const exhausted = results.fresh.some((round) => round.exhausted);
    const rate = (rounds: Round[]) => median(rounds.map((round) => (round.requests * 1000) / round.ms));
    const p50 = (rounds: Round[]) => median(rounds.map((round) => round.p50));
    const p99 = (rounds: Round[]) => median(rounds.map((round) => round.p99));
    // Each ratio is the median of per-round ratios: rounds of the two variants ran back to back, so
    // load from elsewhere on the machine mostly cancels out.
    const perRound = (figure: (rounds: Round[]) => number, variant: 'guarded' | 'fresh') =>
      median(results[variant].map((round, i) => figure([round]) / figure([results.unguarded[i]])));
    const row = (what: string, figure: (rounds: Round[]) => number, variant: 'guarded' | 'fresh') =>
      [what, figure(results[variant]), figure(results.unguarded), perRound(figure, variant)] as const;
    const rows = [
      row('calls/s, one token per client (as clients do)', rate, 'guarded'),
      row('p50 latency ms, one token per client', p50, 'guarded'),
      row('p99 latency ms, one token per client', p99, 'guarded'),
      row(`calls/s, a new token every call${exhausted ? ' (ran out)' : ''}`, rate, 'fresh'),
      row('p50 latency ms, a new token every call', p50, 'fresh'),
    ];
    const throughputRatio = rows[0][3];
    printTable(
      `mcp-resource: get_ticket over Streamable HTTP (median of ${ROUNDS} rounds), database ${config.database.url ? 'postgres' : 'pglite'}`,
      rows.map(([what, withGuard, withoutGuard, ratio], index) => ({
        what,
        figure: `${withGuard.toFixed(1)} with guard`,
        baseline: `${withoutGuard.toFixed(1)} without guard`,
        ratio: `${ratio.toFixed(3)}x`,
        goal: index === 0 ? `>= ${GOAL}x` : '',
      })),
    );
    process.stdout.write(`goal: authenticated throughput >= ${GOAL}x the unguarded one: ${throughputRatio >= GOAL ? 'met' : 'NOT met'}\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await system.stop(1000);
    await database.close();
    await pglite?.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
