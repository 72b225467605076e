import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startNode, waitFor, type Started } from '../lib/processes.js';
import type { ServerSample } from './server-probe.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const PROBE = new URL('./server-probe.js', import.meta.url).href;

export interface SoakServer {
  readonly process: Started;
  /** Heap used after a full GC and the live handles, read in the server process over IPC. */
  sample(): Promise<ServerSample>;
  /** The first and the latest lines the server logged (at LOG_LEVEL=warn: warnings and errors), to explain failures. */
  logged(): string[];
}

const KEPT_LOG_LINES = 100;

/**
 * The real service (`node dist/src/main.js`, every role) as a child process, with the soak probe
 * preloaded and an IPC channel to reach it; ready once every role answers /readyz.
 */
export async function startSoakServer(env: Record<string, string>, readyUrls: readonly string[]): Promise<SoakServer> {
  const started = startNode(MAIN, [], env, undefined, { nodeArgs: ['--expose-gc', '--import', PROBE], ipc: true });
  const first: string[] = [];
  const latest: string[] = [];
  let dropped = 0;
  for (const stream of [started.child.stdout!, started.child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (first.length < KEPT_LOG_LINES) return void first.push(line);
      latest.push(line);
      if (latest.length > KEPT_LOG_LINES) {
        latest.shift();
        dropped += 1;
      }
    });
  }
  const logged = () => [...first, ...(dropped > 0 ? [`... ${dropped} lines left out ...`] : []), ...latest];
  const exited = new Promise<never>((_, reject) => started.child.once('exit', (code, signal) => reject(new Error(`the server exited (${code ?? signal})`))));
  exited.catch(() => undefined);
  await Promise.race([Promise.all(readyUrls.map((url) => waitFor(`${url}/readyz`, 120_000))), exited]);
  const sample = () =>
    new Promise<ServerSample>((resolve, reject) => {
      const timer = setTimeout(() => {
        started.child.off('message', onMessage);
        reject(new Error('the server did not answer a sample request within 10 s'));
      }, 10_000);
      const onMessage = (message: unknown) => {
        if ((message as ServerSample).type !== 'soak:sample') return;
        clearTimeout(timer);
        started.child.off('message', onMessage);
        resolve(message as ServerSample);
      };
      started.child.on('message', onMessage);
      started.child.send({ type: 'soak:sample' });
    });
  return { process: started, sample, logged };
}
