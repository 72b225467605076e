import type { Exited } from './processes.js';
import { RoundRobinProxy } from './round-robin-proxy.js';
import { startService, type ServiceProcess } from './service-process.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { describeNeedingPostgres } from './describe-needing-postgres.js';

/** Replicas need a database several processes share: PostgreSQL, named by DATABASE_URL. */
export const postgresAvailable = Boolean(process.env.DATABASE_URL);

/** A describe block for replicas: skipped with a notice without DATABASE_URL (see describeNeedingPostgres). */
export function describeOnPostgres(name: string, body: () => void): void {
  describeNeedingPostgres(name, postgresAvailable, 'DATABASE_URL is not set; these tests need a PostgreSQL server several processes share', body);
}

/** Upper bound on one replica's lifetime: a forgotten process kills itself. */
const PROCESS_LIFETIME_MS = 10 * 60_000;
/** Four processes boot at once on a shared two-core machine. */
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

type ReplicatedRole = 'authorization-server' | 'client-backend';

export interface Replica {
  readonly role: ReplicatedRole;
  /** Its own loopback base URL (bypassing the proxy). */
  readonly url: string;
  readonly service: ServiceProcess;
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
  ) {}

  static async start(options: ReplicaSetOptions = {}): Promise<ReplicaSet> {
    if (!postgresAvailable) throw new Error('ReplicaSet needs DATABASE_URL (PostgreSQL)');
    const count = options.count ?? 2;
    const database = await createTestDatabase();
    const [asProxy, backendProxy] = await Promise.all([RoundRobinProxy.start(), RoundRobinProxy.start()]);
    const env: Record<string, string> = {
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url!,
      AS_ISSUER: asProxy.url,
      BACKEND_PUBLIC_URL: backendProxy.url,
      // Believe the proxy's X-Forwarded-For, so rate limits see the client's address.
      TRUST_PROXY: 'loopback',
      ...options.env,
    };
    const roles: ReplicatedRole[] = [...Array<ReplicatedRole>(count).fill('authorization-server'), ...Array<ReplicatedRole>(count).fill('client-backend')];
    const started = await Promise.allSettled(
      roles.map((role) => startService({ roles: [role], env, lifetimeMs: PROCESS_LIFETIME_MS, readyTimeoutMs: READY_TIMEOUT_MS })),
    );
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) {
      await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop(STOP_TIMEOUT_MS) : undefined)));
      await Promise.all([asProxy.stop(), backendProxy.stop()]);
      await database.close();
      throw (failed as PromiseRejectedResult).reason;
    }
    const replicas = started.map((result, index): Replica => {
      const service = (result as PromiseFulfilledResult<ServiceProcess>).value;
      return { role: roles[index], url: service.url[roles[index]]!, service };
    });
    const set = new ReplicaSet(database, asProxy, backendProxy, replicas);
    asProxy.forwardTo(set.urls('authorization-server'));
    backendProxy.forwardTo(set.urls('client-backend'));
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
  urls(role: ReplicatedRole): string[] {
    return this.replicas.filter((replica) => replica.role === role).map((replica) => replica.url);
  }

  /**
   * SIGTERM to every replica (SIGKILL after a bound), then the proxies; the database is dropped. Returns
   * how each replica ended, with its output, in the order of `replicas`.
   */
  async stop(): Promise<Exited[]> {
    const exits = await Promise.all(this.replicas.map((replica) => replica.service.stop(STOP_TIMEOUT_MS)));
    await Promise.all([this.asProxy.stop(), this.backendProxy.stop()]);
    await this.database.close();
    return exits;
  }
}
