import type { DynamicModule, Type } from '@nestjs/common';
import { openListener, type Listener } from '../../src/bootstrap/listener.js';
import { startSystem, type RunningSystem } from '../../src/bootstrap/system.js';
import { Clock, SystemClock } from '../../src/common/clock/clock.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { ROLES, type Role } from '../../src/config/sections/server.js';
import { LogCapture } from './log-capture.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A fixed key-encryption key, so tests never write a development key file. */
export const TEST_KEK = 'a'.repeat(64);

/** The settings naming each role's port and public URL. */
export const PREFIX: Record<Role, { port: string; url: string }> = {
  'authorization-server': { port: 'AS_PORT', url: 'AS_ISSUER' },
  'client-backend': { port: 'BACKEND_PORT', url: 'BACKEND_PUBLIC_URL' },
  'mcp-resource': { port: 'MCP_PORT', url: 'MCP_PUBLIC_URL' },
};

export interface TestSystemOptions {
  readonly roles?: readonly Role[];
  readonly env?: Record<string, string | undefined>;
  /** Share a database between systems (replicas); by default each system gets its own. */
  readonly database?: TestDatabase;
  readonly clock?: Clock;
  readonly extra?: Partial<Record<Role, readonly (Type | DynamicModule)[]>>;
  /** Public URLs to use instead of the loopback listener addresses (for example https behind a proxy). */
  readonly publicUrls?: Partial<Record<Role, string>>;
}

export interface TestSystem {
  readonly config: AppConfig;
  readonly database: TestDatabase;
  readonly logs: LogCapture;
  readonly clock: Clock;
  readonly system: RunningSystem;
  /** Loopback base URL of each running role (what tests send requests to). */
  readonly url: Record<Role, string>;
  stop(): Promise<void>;
}

export function baseTestEnv(): Record<string, string> {
  return {
    MODE: 'development',
    LOG_LEVEL: 'debug',
    AS_KEY_ENCRYPTION_KEY: TEST_KEK,
    SHUTDOWN_GRACE_MS: '2000',
    // Tests sign in many times from one address; the tests of the limits set their own.
    RATE_LIMITS: JSON.stringify({ 'login:ip': { limit: 100000, window_seconds: 60 }, 'login:account': { limit: 100000, window_seconds: 60 } }),
  };
}

/**
 * Starts the requested roles on loopback listeners with ephemeral ports, each role's public URL being
 * its own loopback address, against a fresh test database (unless one is shared).
 */
export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const roles = options.roles ?? ROLES;
  const listeners: Partial<Record<Role, Listener>> = {};
  const url = {} as Record<Role, string>;
  const env: Record<string, string | undefined> = { ...baseTestEnv(), ROLES: roles.join(',') };
  for (const role of roles) {
    const listener = await openListener({ port: 0, host: '127.0.0.1' });
    listeners[role] = listener;
    url[role] = `http://127.0.0.1:${listener.port}`;
    env[PREFIX[role].port] = String(listener.port);
    env[PREFIX[role].url] = options.publicUrls?.[role] ?? url[role];
  }
  Object.assign(env, options.env);
  const closeListeners = () =>
    Promise.all(Object.values(listeners).map((listener) => new Promise((resolve) => listener.server.close(resolve))));
  let config: AppConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    await closeListeners();
    throw error;
  }
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase());
  const logs = new LogCapture(config.server.logLevel);
  const clock = options.clock ?? new SystemClock();
  let system: RunningSystem;
  try {
    system = await startSystem({ config, dataSource: database.dataSource, logger: logs.logger, clock }, listeners, options.extra);
  } catch (error) {
    await closeListeners();
    if (ownsDatabase) await database.close();
    throw error;
  }
  return {
    config,
    database,
    logs,
    clock,
    system,
    url,
    async stop() {
      await system.stop(500);
      if (ownsDatabase) await database.close();
    },
  };
}
