/**
 * Loaded into the soak's server process with `node --expose-gc --import <this file>` by bench/soak.ts,
 * never by the application: over the IPC channel the harness opened, it answers a sample request with
 * the heap used after a full garbage collection and the resources keeping the event loop alive. Without
 * that channel (any normal start) it does nothing, so the service exposes nothing new.
 */
export interface ServerSample {
  readonly type: 'soak:sample';
  /** Whether a full GC ran first (node was started with --expose-gc). */
  readonly collected: boolean;
  readonly heapUsedBytes: number;
  readonly rssBytes: number;
  /** process.getActiveResourcesInfo(): one entry per handle or request (TCPSocketWrap, Timeout, ...). */
  readonly resources: readonly string[];
}

const collect = (globalThis as { gc?: () => void }).gc;

if (process.send && process.channel) {
  process.on('message', (message: unknown) => {
    if ((message as { type?: unknown } | null)?.type !== 'soak:sample') return;
    collect?.();
    collect?.();
    const memory = process.memoryUsage();
    const sample: ServerSample = { type: 'soak:sample', collected: collect !== undefined, heapUsedBytes: memory.heapUsed, rssBytes: memory.rss, resources: process.getActiveResourcesInfo() };
    process.send!(sample);
  });
  // The channel must not keep the server alive on its own, nor change how it shuts down.
  process.channel.unref();
}
