import { createPrivateKey, randomBytes, sign, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { JWT_BEARER_ASSERTION_TYPE } from '../../src/authorization-server/client-auth/assertion-claims.js';
import { runLoad, type LoadResult } from '../lib/http-load.js';
import { BENCH_CLIENT_ID, BENCH_RESOURCE, BENCH_SCOPE, readJsonEnv, type GrantName } from './plan.js';

/**
 * The load generator of bench:token-endpoint, in its own process (pinned to its own core by the
 * caller). Every request carries a client assertion never sent before; they are signed before each
 * timed window, so signing does not count. Refresh requests follow one rotation chain per connection.
 */

export interface LoadTarget {
  readonly name: string;
  /** The server's process, whose CPU time is read from /proc around each window. */
  readonly pid: number;
  readonly url: string;
  readonly issuer: string;
  readonly refreshTokens: readonly string[];
}

export interface LoadPlan {
  readonly targets: readonly LoadTarget[];
  readonly privateJwk: JsonWebKey & { kid: string };
  readonly concurrency: number;
  readonly rounds: number;
  readonly roundMs: number;
  readonly warmupMs: number;
  /** The grants to measure, in this order. */
  readonly grants: readonly GrantName[];
}

export interface LoadRun extends LoadResult {
  /** CPU time of the server process (not its database) per second of the window, including warm-up; undefined without /proc. */
  readonly serverCpuShare?: number;
  /** Assertions signed beforehand ran out and the rest were signed inside the timed window. */
  readonly signedInWindow: number;
}

/** results[target][grant] = one LoadRun per round */
export type LoadReport = Record<string, Partial<Record<GrantName, LoadRun[]>>>;

const plan = readJsonEnv<LoadPlan>('BENCH_LOAD_PLAN');
const key = createPrivateKey({ key: plan.privateJwk, format: 'jwk' });
const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: plan.privateJwk.kid })).toString('base64url');

function assertion(audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: BENCH_CLIENT_ID, sub: BENCH_CLIENT_ID, aud: audience, iat: now, exp: now + 120, jti: randomBytes(16).toString('base64url') };
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** Pre-signed assertions for one window; signing more on demand is counted so the report can say so. */
class AssertionSupply {
  private readonly ready: string[];
  signedInWindow = 0;

  constructor(
    private readonly audience: string,
    count: number,
  ) {
    this.ready = Array.from({ length: count }, () => assertion(audience));
  }

  next(): string {
    const value = this.ready.pop();
    if (value !== undefined) return value;
    this.signedInWindow += 1;
    return assertion(this.audience);
  }
}

/** User + system CPU seconds of a process so far (Linux /proc; clock ticks of 10 ms). */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const refreshChains = new Map<string, { current: string[]; spare: string[] }>();
for (const target of plan.targets) {
  refreshChains.set(target.name, { current: target.refreshTokens.slice(0, plan.concurrency), spare: target.refreshTokens.slice(plan.concurrency) });
}
/** Highest rate seen per target and grant, to size the next batch of assertions. */
const bestRate = new Map<string, number>();

async function measure(target: LoadTarget, grant: GrantName, durationMs: number): Promise<LoadRun> {
  const id = `${target.name}/${grant}`;
  const expected = Math.max(bestRate.get(id) ?? 0, 3000) * 1.5;
  const supply = new AssertionSupply(target.issuer, Math.ceil((expected * (durationMs + plan.warmupMs)) / 1000) + plan.concurrency);
  const chains = refreshChains.get(target.name)!;
  const form = (worker: number) => {
    const fields: Record<string, string> = { grant_type: grant, client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: supply.next(), resource: BENCH_RESOURCE, scope: BENCH_SCOPE };
    if (grant === 'refresh_token') fields.refresh_token = chains.current[worker];
    return new URLSearchParams(fields).toString();
  };
  const cpuBefore = cpuSeconds(target.pid);
  const started = Date.now();
  const result = await runLoad({
    target: target.url,
    concurrency: plan.concurrency,
    durationMs,
    warmupMs: plan.warmupMs,
    next: (worker) => ({ method: 'POST', path: '/token', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form(worker) }),
    check: (worker, status, body) => {
      if (status !== 200) {
        // A broken rotation chain continues from a spare seeded token (the failure is still counted).
        if (grant === 'refresh_token' && chains.spare.length > 0) chains.current[worker] = chains.spare.pop()!;
        return false;
      }
      const answer = JSON.parse(body) as { access_token?: string; refresh_token?: string };
      if (grant === 'refresh_token') {
        if (!answer.refresh_token) return false;
        chains.current[worker] = answer.refresh_token;
      }
      return typeof answer.access_token === 'string' && answer.access_token.split('.').length === 3;
    },
  });
  const cpuAfter = cpuSeconds(target.pid);
  const serverCpuShare = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / ((Date.now() - started) / 1000) : undefined;
  bestRate.set(id, Math.max(bestRate.get(id) ?? 0, result.perSecond));
  return { ...result, signedInWindow: supply.signedInWindow, serverCpuShare };
}

const report: LoadReport = {};
const runs = plan.targets.flatMap((target) => plan.grants.map((grant) => ({ target, grant })));
for (const { target, grant } of runs) {
  report[target.name] ??= Object.fromEntries(plan.grants.map((grant) => [grant, []]));
  await measure(target, grant, 2000); // warm-up: JIT, pools, caches; not reported
}
for (let round = 0; round < plan.rounds; round += 1) {
  // Rotate the order each round so drift on the shared machine does not favour one server.
  for (let i = 0; i < runs.length; i += 1) {
    const { target, grant } = runs[(round + i) % runs.length];
    report[target.name][grant]!.push(await measure(target, grant, plan.roundMs));
  }
}
process.stdout.write(`${JSON.stringify(report)}\n`);
