import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes.js';

const run = promisify(execFile);
const STEP_TIMEOUT_MS = 15_000;

/** The newest PostgreSQL server binaries installed here (Debian layout), or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')) && existsSync(join(root, name, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(root, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, every server command runs as the `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('running as root and there is no postgres user to run a throwaway cluster as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export interface ThrowawayPostgres {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication, loopback only). */
  readonly url: string;
  /** `pg_ctl stop -m fast`: sessions are terminated, new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP the postmaster and every backend: the server hangs without closing anything. */
  freeze(): Promise<number[]>;
  /** SIGCONT what freeze() stopped. */
  thaw(): void;
  /** Stops the server (immediately) and removes its directory. Safe to call more than once. */
  destroy(): Promise<void>;
}

/**
 * A private PostgreSQL cluster in a temporary directory, listening only on 127.0.0.1 at a free port,
 * with its unix socket inside that directory. Tests can stop, start and freeze it without touching
 * the machine's shared cluster.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  const user = serverUser();
  const root = mkdtempSync(join(tmpdir(), 'acimd-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  mkdirSync(socketDir);
  if (user) for (const dir of [root, socketDir]) chownSync(dir, user.uid, user.gid);
  const port = await freePort();
  const server = (tool: string, args: string[]) => {
    const [command, argv] = user ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    return run(command, argv, { timeout: STEP_TIMEOUT_MS, killSignal: 'SIGKILL' });
  };
  const options = [
    `-p ${port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=60',
  ].join(' ');
  const start = async () => {
    await server('pg_ctl', ['start', '-w', '-t', '10', '-D', dataDir, '-l', join(root, 'server.log'), '-o', options]);
  };
  const postmasterPid = (): number | undefined => {
    try {
      return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
    } catch {
      return undefined;
    }
  };
  let frozen: number[] = [];
  const signal = (pids: number[], name: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, name);
      } catch {
        // already gone
      }
    }
  };
  let destroyed = false;
  // If the test process ends without destroy() (a crash, a killed worker), the cluster goes with it.
  const onExit = () => {
    signal(frozen, 'SIGCONT');
    const pid = postmasterPid();
    if (pid) signal([pid], 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const handle: ThrowawayPostgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    async stop() {
      await server('pg_ctl', ['stop', '-w', '-t', '10', '-m', 'fast', '-D', dataDir]);
    },
    async freeze() {
      const pid = postmasterPid();
      if (!pid) throw new Error('the throwaway cluster is not running');
      const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(pid)]);
      const children = stdout.split('\n').map(Number).filter(Boolean);
      // The postmaster first, so it forks no new backend that would escape the freeze.
      frozen = [pid, ...children];
      signal(frozen, 'SIGSTOP');
      return frozen;
    },
    thaw() {
      signal(frozen, 'SIGCONT');
      frozen = [];
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      process.off('exit', onExit);
      handle.thaw();
      const pid = postmasterPid();
      if (pid) {
        await server('pg_ctl', ['stop', '-w', '-t', '10', '-m', 'immediate', '-D', dataDir]).catch(() => signal([pid], 'SIGKILL'));
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await server('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    await start();
  } catch (error) {
    await handle.destroy();
    throw error;
  }
  return handle;
}
