import { Agent, request } from 'node:http';

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly statuses: Record<number, number>;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface LoadRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
}

/** One HTTP/1.1 request on a keep-alive agent; resolves with the status once the body is read. */
function send(agent: Agent, origin: URL, item: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (item.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(item.body);
    }
    const outgoing = request({ agent, host: origin.hostname, port: origin.port, method: item.method, path: item.path, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(item.body);
  });
}

/**
 * Fixed-concurrency load on loopback with keep-alive: `concurrency` workers take the next request
 * until `next` returns undefined or the time limit passes.
 */
export async function runLoad(base: string, concurrency: number, next: (index: number) => LoadRequest | undefined, maxSeconds: number): Promise<LoadResult> {
  const origin = new URL(base);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(origin.hostname)) throw new Error('benchmarks send traffic to loopback only');
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  let issued = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(maxSeconds * 1e9));
  const worker = async () => {
    for (;;) {
      if (process.hrtime.bigint() > deadline) return;
      const item = next(issued);
      if (!item) return;
      issued += 1;
      const sent = process.hrtime.bigint();
      const status = await send(agent, origin, item);
      latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, statuses, p50Ms: at(0.5), p99Ms: at(0.99) };
}
