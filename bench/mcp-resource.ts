import 'reflect-metadata';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { SigningKeysService } from '../src/authorization-server/keys/signing-keys.service.js';
import { openListener } from '../src/bootstrap/listener.js';
import { startSystem } from '../src/bootstrap/system.js';
import { SystemClock } from '../src/common/clock/clock.js';
import { AppLogger } from '../src/common/logging/app-logger.js';
import { loadConfig } from '../src/config/app-config.js';
import { createPglite, openDatabase } from '../src/persistence/database.js';
import { BENCH_PRINCIPAL, McpUnguardedBenchModule } from './mcp-unguarded.module.js';

/**
 * Authenticated MCP tool calls per second (Origin check, bearer token verified against the AS JWKS,
 * per-tool scope check) against the same tool call with the guards left out, measured in the same run
 * on loopback. The server runs here; the load comes from a separate process, each pinned to its own
 * core when taskset exists. Bounded: a fixed number of fixed-length rounds at a fixed concurrency.
 */
const CONCURRENCY = 8;
const ROUND_MS = 4000;
const ROUNDS = 3;
const WARMUP_MS = 1500;
const GOAL = 0.85;

const hasTaskset = spawnSync('taskset', ['-V']).status === 0 && availableParallelism() >= 2;
const generatorScript = fileURLToPath(new URL('./mcp-load-generator.js', import.meta.url));

interface Round {
  readonly requests: number;
  readonly failures: number;
  readonly ms: number;
  readonly p50: number;
  readonly p99: number;
}

function load(url: string, body: string, token: string | undefined, durationMs: number): Promise<Round> {
  const args = [generatorScript, '--url', url, '--body', body, '--concurrency', String(CONCURRENCY), '--duration-ms', String(durationMs)];
  if (token) args.push('--token', token);
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

async function main(): Promise<void> {
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
    DATABASE_URL: process.env.DATABASE_URL,
  });
  const pglite = config.database.url ? undefined : await createPglite();
  const database = await openDatabase(config.database, { pglite });
  const logger = new AppLogger('warn');
  const system = await startSystem({ config, dataSource: database.dataSource, logger, clock: new SystemClock() }, listeners, {
    'mcp-resource': [McpUnguardedBenchModule],
  });
  try {
    const signer = await system.app('authorization-server').get(SigningKeysService).activeKey();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      iss: config.authorizationServer.issuer,
      sub: BENCH_PRINCIPAL.subject,
      aud: config.mcpResource.resource,
      client_id: BENCH_PRINCIPAL.clientId,
      scope: BENCH_PRINCIPAL.scopes.join(' '),
      iat: now,
      exp: now + 3600,
      jti: randomUUID(),
    })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt' })
      .sign(signer.key);

    const id = randomUUID();
    await database.dataSource.query(
      `INSERT INTO mcp_tickets (id, owner_sub, client_id, title, body, status, created_at, updated_at)
       VALUES ($1, $2, $3, 'Benchmark ticket', 'Read over and over.', 'open', $4, $4)`,
      [id, BENCH_PRINCIPAL.subject, BENCH_PRINCIPAL.clientId, new Date()],
    );
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_ticket', arguments: { id } } });
    const guarded = { url: `${mcp}/mcp`, token };
    const unguarded = { url: `${mcp}/bench/unguarded-mcp`, token: undefined };

    process.stdout.write(
      `mcp-resource benchmark: get_ticket over Streamable HTTP, ${CONCURRENCY} connections, ${ROUNDS} x ${ROUND_MS} ms per variant, ` +
        `database ${config.database.url ? 'postgres' : 'pglite'}, ${hasTaskset ? 'server on core 0 and load on core 1' : 'no taskset: cores shared'}\n`,
    );
    await load(guarded.url, body, guarded.token, WARMUP_MS);
    await load(unguarded.url, body, unguarded.token, WARMUP_MS);
    const results: Record<'guarded' | 'unguarded', Round[]> = { guarded: [], unguarded: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate the order so drift (thermal, other load) does not favour one variant.
      const order = round % 2 === 0 ? (['guarded', 'unguarded'] as const) : (['unguarded', 'guarded'] as const);
      for (const variant of order) {
        const target = variant === 'guarded' ? guarded : unguarded;
        results[variant].push(await load(target.url, body, target.token, ROUND_MS));
      }
    }
    const failures = [...results.guarded, ...results.unguarded].reduce((sum, round) => sum + round.failures, 0);
    if (failures > 0) throw new Error(`${failures} calls failed: the comparison would be meaningless`);
    const rate = (rounds: Round[]) => median(rounds.map((round) => (round.requests * 1000) / round.ms));
    const p50 = (rounds: Round[]) => median(rounds.map((round) => round.p50));
    const p99 = (rounds: Round[]) => median(rounds.map((round) => round.p99));
    const rows = [
      ['tool calls per second (median of rounds)', rate(results.guarded), rate(results.unguarded), rate(results.guarded) / rate(results.unguarded)],
      ['p50 latency ms', p50(results.guarded), p50(results.unguarded), p50(results.guarded) / p50(results.unguarded)],
      ['p99 latency ms', p99(results.guarded), p99(results.unguarded), p99(results.guarded) / p99(results.unguarded)],
    ] as const;
    const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(42) : cell.padStart(14))).join(' | ')} |\n`;
    process.stdout.write(line(['what', 'with guard', 'without guard', 'ratio']));
    process.stdout.write(line(['-'.repeat(42), '-'.repeat(14), '-'.repeat(14), '-'.repeat(14)]));
    for (const [what, withGuard, withoutGuard, ratio] of rows) {
      process.stdout.write(line([what, withGuard.toFixed(1), withoutGuard.toFixed(1), `${ratio.toFixed(3)}x`]));
    }
    const throughputRatio = rows[0][3];
    process.stdout.write(`goal: authenticated throughput >= ${GOAL}x the unguarded one: ${throughputRatio >= GOAL ? 'met' : 'NOT met'}\n`);
  } finally {
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
