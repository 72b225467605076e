import { ROLES } from '../../src/config/sections/server.js';
import { startService, type ServiceProcess } from '../../test/support/service-process.js';
import type { ServerSample } from './server-probe.js';

const PROBE = new URL('./server-probe.js', import.meta.url).href;
const KEPT_LOG_LINES = 100;

export interface SoakServer {
  readonly service: ServiceProcess;
  /** Heap used after a full GC and the live handles, read in the server process over IPC. */
  sample(): Promise<ServerSample>;
  /** The first and the latest lines the server logged, then its stderr, to explain failures. */
  logged(): string[];
}

/**
 * The real service (`node dist/src/main.js`, every role, on free loopback ports) as a child process, with
 * the soak probe preloaded and an IPC channel to reach it; ready once every role answers /readyz.
 */
export async function startSoakServer(env: Record<string, string>, lifetimeMs: number): Promise<SoakServer> {
  const service = await startService({ roles: ROLES, env, lifetimeMs, node: { nodeArgs: ['--expose-gc', '--import', PROBE], ipc: true } });
  const child = service.process.child;
  const sample = () =>
    new Promise<ServerSample>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error('the server did not answer a sample request within 10 s'));
      }, 10_000);
      const onMessage = (message: unknown) => {
        if ((message as ServerSample).type !== 'soak:sample') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message as ServerSample);
      };
      child.on('message', onMessage);
      child.send({ type: 'soak:sample' });
    });
  const logged = () => {
    const { stdout, stderr } = service.process.output();
    const lines = stdout.split('\n').filter(Boolean);
    const kept =
      lines.length <= 2 * KEPT_LOG_LINES
        ? lines
        : [...lines.slice(0, KEPT_LOG_LINES), `... ${lines.length - 2 * KEPT_LOG_LINES} lines left out ...`, ...lines.slice(-KEPT_LOG_LINES)];
    return stderr ? [...kept, stderr] : kept;
  };
  return { service, sample, logged };
}
