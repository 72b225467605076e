import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevelopmentCa } from '../../src/client-backend/attestation/trust/development-ca.js';
import { freePort, runNode, waitForHttp, type Exited, type RunningProcess } from './processes.js';
import { RoundRobinProxy } from './round-robin-proxy.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { baseTestEnv } from './test-system.js';

/** Replicas need a database several processes share: PostgreSQL, named by DATABASE_URL. */
export const postgresAvailable = Boolean(process.env.DATABASE_URL);

/**
 * A describe block that needs PostgreSQL: without DATABASE_URL it is skipped with a notice, unless
 * REQUIRE_POSTGRES=1 (CI's PostgreSQL pass sets it), when it fails instead.
 */
export function describeOnPostgres(name: string, body: () => void): void {
  if (postgresAvailable) {
    describe(name, body);
  } else if (process.env.REQUIRE_POSTGRES === '1') {
    describe(name, () => {
      it('has a PostgreSQL server to run on', () => {
        throw new Error('REQUIRE_POSTGRES=1 is set but DATABASE_URL is not: these tests need a PostgreSQL server');
      });
    });
  } else {
    process.stderr.write(`skipped (DATABASE_URL is not set; they need a PostgreSQL server several processes share): ${name}\n`);
    describe.skip(name, body);
  }
}

const MAIN = 'dist/src/main.js';
/** Upper bound on one replica's lifetime: a forgotten process kills itself. */
const PROCESS_LIFETIME_MS = 10 * 60_000;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export interface Replica {
  readonly role: 'authorization-server' | 'client-backend';
  /** Its own loopback base URL (bypassing the proxy). */
  readonly url: string;
  readonly process: RunningProcess;
}

export interface ReplicaSetOptions {
  /** Replicas per role (2 by default). */
  readonly count?: number;
  /** Environment for every replica, over the test defaults. */
  readonly env?: Record<string, string>;
}

/**
 * Two (or more) authorization-server processes and two client-backend processes of the built app on
 * one fresh PostgreSQL database, each role behind a round-robin proxy whose URL is the role's public
 * URL (issuer, backend origin), so tokens, audiences and client_id URLs are the same on every replica.
 */
export class ReplicaSet {
  private constructor(
    readonly database: TestDatabase,
    readonly asProxy: RoundRobinProxy,
    readonly backendProxy: RoundRobinProxy,
    readonly replicas: readonly Replica[],
    /** DATA_DIR of every replica; it holds the development attestation CA the backends trust. */
    readonly dataDir: string,
  ) {}

  static async start(options: ReplicaSetOptions = {}): Promise<ReplicaSet> {
    if (!postgresAvailable) throw new Error('ReplicaSet needs DATABASE_URL (PostgreSQL)');
    const count = options.count ?? 2;
    const database = await createTestDatabase();
    const asPorts: number[] = [];
    const backendPorts: number[] = [];
    for (let i = 0; i < count; i += 1) asPorts.push(await freePort());
    for (let i = 0; i < count; i += 1) backendPorts.push(await freePort());
    const loopback = (port: number) => `http://127.0.0.1:${port}`;
    const asProxy = await RoundRobinProxy.start(asPorts.map(loopback));
    const backendProxy = await RoundRobinProxy.start(backendPorts.map(loopback));
    const common: Record<string, string> = {
      ...baseTestEnv(),
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url!,
      AS_ISSUER: asProxy.url,
      BACKEND_PUBLIC_URL: backendProxy.url,
      // Believe the proxy's X-Forwarded-For, so rate limits see the client's address.
      TRUST_PROXY: 'loopback',
      ...options.env,
    };
    // One data directory for all: on PostgreSQL it holds only the development attestation CA, made here
    // once so that every backend replica trusts the same one.
    const dataDir = mkdtempSync(join(tmpdir(), 'acimd-replicas-'));
    await loadOrCreateDevelopmentCa(dataDir);
    const spawn = (role: Replica['role'], port: number): Replica => {
      const env =
        role === 'authorization-server'
          ? { ...common, ROLES: role, AS_PORT: String(port), DATA_DIR: dataDir }
          : { ...common, ROLES: role, BACKEND_PORT: String(port), DATA_DIR: dataDir };
      return { role, url: loopback(port), process: runNode(MAIN, env, { timeoutMs: PROCESS_LIFETIME_MS }) };
    };
    const replicas = [
      ...asPorts.map((port) => spawn('authorization-server', port)),
      ...backendPorts.map((port) => spawn('client-backend', port)),
    ];
    const set = new ReplicaSet(database, asProxy, backendProxy, replicas, dataDir);
    try {
      await Promise.all(replicas.map((replica) => waitForHttp(`${replica.url}/readyz`, READY_TIMEOUT_MS, replica.process.exited)));
    } catch (error) {
      const logs = replicas.map((replica) => `${replica.role} ${replica.url}:\n${replica.process.output().stderr}${replica.process.output().stdout}`);
      await set.stop();
      throw new Error(`${(error as Error).message}\n${logs.join('\n')}`);
    }
    return set;
  }

  /** The issuer: the authorization servers' public URL (their proxy). */
  get as(): string {
    return this.asProxy.url;
  }

  /** The client backend's public origin (its proxy). */
  get backend(): string {
    return this.backendProxy.url;
  }

  /** Direct URLs of the replicas of one role. */
  urls(role: Replica['role']): string[] {
    return this.replicas.filter((replica) => replica.role === role).map((replica) => replica.url);
  }

  /**
   * SIGTERM to every replica (SIGKILL after a bound), then the proxies; the database is dropped. Returns
   * how each replica ended, with its output, in the order of `replicas`.
   */
  async stop(): Promise<Exited[]> {
    const exits = await Promise.all(
      this.replicas.map(async (replica) => {
        const { child } = replica.process;
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        const exited = await replica.process.exited;
        clearTimeout(timer);
        return exited;
      }),
    );
    await Promise.all([this.asProxy.stop(), this.backendProxy.stop()]);
    await this.database.close();
    rmSync(this.dataDir, { recursive: true, force: true });
    return exits;
  }
}
