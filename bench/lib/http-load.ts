import { Agent, request } from 'node:http';

export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface LoadOptions {
  /** Base URL on loopback, e.g. http://127.0.0.1:3000 */
  readonly target: string;
  readonly concurrency: number;
  readonly durationMs: number;
  /** Requests before the measured window, to warm up JIT and caches (not counted). */
  readonly warmupMs?: number;
  /** The next request for a worker; may be async (e.g. waits for the previous response's data). */
  readonly next: (worker: number) => LoadRequest | Promise<LoadRequest>;
  /** Sees each response; return false to count it as an error. */
  readonly check?: (worker: number, status: number, body: string) => boolean | Promise<boolean>;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly firstError?: string;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Closed-loop load at fixed concurrency with keep-alive connections: each worker sends its next request
 * as soon as the previous answer arrived. Latency is measured per request; only the window after the
 * warm-up counts. Loopback targets only.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.target);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`load target must be loopback, got ${url.hostname}`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const warmupEnds = Date.now() + (options.warmupMs ?? 0);
  const ends = warmupEnds + options.durationMs;
  let measuredStart = 0;

  const send = (spec: LoadRequest) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { agent, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, method: spec.method, path: spec.path, headers: spec.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(spec.body);
    });

  const worker = async (index: number) => {
    while (Date.now() < ends) {
      const spec = await options.next(index);
      const started = process.hrtime.bigint();
      let ok = false;
      let detail = '';
      try {
        const response = await send(spec);
        ok = options.check ? await options.check(index, response.status, response.body) : response.status < 400;
        if (!ok) detail = `${response.status} ${response.body.slice(0, 200)}`;
      } catch (error) {
        detail = (error as Error).message;
      }
      const now = Date.now();
      if (now < warmupEnds || now > ends) continue;
      if (measuredStart === 0) measuredStart = now;
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (!ok) {
        errors += 1;
        firstError ??= detail;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const elapsed = (Math.min(Date.now(), ends) - (measuredStart || warmupEnds)) / 1000;
  return {
    requests: latencies.length,
    errors,
    perSecond: latencies.length / Math.max(elapsed, 0.001),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    firstError,
  };
}
