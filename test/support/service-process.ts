import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevelopmentCa } from '../../src/client-backend/attestation/trust/development-ca.js';
import type { Role } from '../../src/config/sections/server.js';
import { freePort, runNode, waitForHttp, type Exited, type RunOptions, type RunningProcess } from './processes.js';
import { baseTestEnv, PREFIX } from './test-system.js';

export const MAIN = 'dist/src/main.js';

export interface ServiceProcess {
  readonly process: RunningProcess;
  readonly env: Record<string, string>;
  /** Loopback base URL of each role (also its public URL). */
  readonly url: Partial<Record<Role, string>>;
  readonly dataDir: string;
  /** The JSON log lines written so far. */
  logLines(): Array<Record<string, unknown>>;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after the bound; removes the data directory. */
  stop(boundMs?: number): Promise<Exited>;
}

export interface ServiceOptions {
  readonly roles: readonly Role[];
  readonly env?: Record<string, string>;
  readonly lifetimeMs?: number;
  /** How long every role may take to become ready (30 s by default). */
  readonly readyTimeoutMs?: number;
  /** How node runs main.js: flags before the script, an IPC channel (the soak's probe uses both). */
  readonly node?: Pick<RunOptions, 'nodeArgs' | 'ipc'>;
}

/** Runs a built command (users:create and the like) against the same configuration as the service. */
export function runCli(script: string, env: Record<string, string>, args: string[], input?: string): Promise<Exited> {
  return runNode(script, env, { args, input, timeoutMs: 20_000 }).exited;
}

/**
 * Starts dist/src/main.js with the given roles on free loopback ports (public URLs equal to the
 * loopback addresses) and a temporary DATA_DIR holding a development attestation CA the tests can sign
 * with, and waits until every role is ready (its database reachable).
 */
export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acimd-service-'));
  await loadOrCreateDevelopmentCa(dataDir);
  const env: Record<string, string> = { ...baseTestEnv(), LOG_LEVEL: 'info', ROLES: options.roles.join(','), DATA_DIR: dataDir };
  const url: Partial<Record<Role, string>> = {};
  for (const role of options.roles) {
    const port = await freePort();
    url[role] = `http://127.0.0.1:${port}`;
    env[PREFIX[role].port] = String(port);
    env[PREFIX[role].url] = url[role]!;
  }
  Object.assign(env, options.env);
  const running = runNode(MAIN, env, { ...options.node, timeoutMs: options.lifetimeMs ?? 120_000 });
  let exit: Exited | undefined;
  void running.exited.then((result) => (exit = result));
  const stop = async (boundMs = 10_000): Promise<Exited> => {
    if (!exit) {
      running.child.kill('SIGTERM');
      const guard = setTimeout(() => running.child.kill('SIGKILL'), boundMs);
      await running.exited;
      clearTimeout(guard);
    }
    rmSync(dataDir, { recursive: true, force: true });
    return running.exited;
  };
  try {
    for (const base of Object.values(url)) await waitForHttp(`${base}/readyz`, options.readyTimeoutMs ?? 30_000, running.exited);
  } catch (error) {
    const { stdout, stderr } = running.output();
    await stop(2000);
    throw new Error(`${(error as Error).message}\n${stderr}\n${stdout.slice(-4000)}`);
  }
  return {
    process: running,
    env,
    url,
    dataDir,
    logLines: () =>
      running
        .output()
        .stdout.split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    alive: () => exit === undefined,
    stop,
  };
}
