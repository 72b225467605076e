import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Whether `taskset` can pin processes to cores here. */
export const canPin = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

export function cpuCount(): number {
  return Number(spawnSync('nproc').stdout?.toString().trim()) || 1;
}

export interface Started {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a Node script, pinned to one core when possible, with its output kept for error reports. */
export function startNode(script: string, args: string[], env: Record<string, string>, core?: number, nodeArgs: readonly string[] = []): Started {
  const command = canPin && core !== undefined ? 'taskset' : process.execPath;
  const argv = canPin && core !== undefined ? ['-c', String(core), process.execPath, ...nodeArgs, script, ...args] : [...nodeArgs, script, ...args];
  const child = spawn(command, argv, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('exit', (code, signal) => {
    if (code && code !== 0) process.stderr.write(`${script} exited with ${code ?? signal}:\n${output}\n`);
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
  guard.unref();
  return {
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The first line a started process prints on stdout that `match` accepts (servers print their address,
 * load generators their result; log lines before it are skipped).
 */
export function firstLine(started: Started, timeoutMs: number, match: (line: string) => boolean = () => true): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => finish(new Error(`no output within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        if (match(line)) return finish(undefined, line);
      }
    };
    const onExit = (code: number | null) => finish(new Error(`exited with ${code} before printing a line`));
    function finish(error?: Error, line?: string) {
      clearTimeout(timer);
      started.child.stdout!.off('data', onData);
      started.child.off('exit', onExit);
      if (error) reject(error);
      else resolve(line!);
    }
    started.child.stdout!.on('data', onData);
    started.child.once('exit', onExit);
  });
}
