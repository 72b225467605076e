import { spawn, type ChildProcess } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ABOVE_SUPPORT = fileURLToPath(new URL('../../', import.meta.url));
/** The repository root, whether this file runs as test/support/processes.ts or compiled in dist/ (bench/soak.ts). */
export const ROOT = basename(ABOVE_SUPPORT) === 'dist' ? dirname(ABOVE_SUPPORT) : ABOVE_SUPPORT;

/** A port that was free a moment ago on 127.0.0.1 (for child processes that need a fixed port). */
export { freePort } from '../../bench/lib/processes.js';

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningProcess {
  readonly child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<Exited>;
}

export interface RunOptions {
  readonly args?: readonly string[];
  /** Written to the process's stdin, which is then closed. */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Flags for node itself, before the script (e.g. --expose-gc, --import <module>). */
  readonly nodeArgs?: readonly string[];
  /** Opens an IPC channel to the child (child.send, process.send in the child). */
  readonly ipc?: boolean;
}

/** Runs a built script (path relative to the repository root) with a bounded lifetime. */
export function runNode(script: string, env: Record<string, string | undefined>, options: RunOptions = {}): RunningProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const exited = new Promise<Exited>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Polls until the URL answers 2xx, or fails after the timeout. */
export async function waitForHttp(url: string, timeoutMs = 20_000, exited?: Promise<unknown>): Promise<number> {
  const started = Date.now();
  let gone = false;
  void exited?.then(() => (gone = true));
  while (Date.now() - started < timeoutMs) {
    if (gone) throw new Error(`process exited before ${url} answered`);
    try {
      const response = await fetch(url);
      if (response.ok) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
