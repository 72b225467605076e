import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

/**
 * Load generator for bench/mcp-resource.ts, run in its own process: POSTs one JSON-RPC body to one
 * loopback URL from a fixed number of concurrent keep-alive connections for a fixed time, then prints
 * {"requests", "failures", "ms", "p50", "p99", "exhausted"} as one JSON line. With --tokens-file, each
 * call sends the next token of the file, each token once (the round ends early if they run out).
 */
interface Options {
  readonly url: URL;
  readonly body: string;
  readonly token?: string;
  readonly tokens?: string[];
  readonly concurrency: number;
  readonly durationMs: number;
}

function parse(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const url = new URL(value('url') ?? '');
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`loopback only, not ${url.hostname}`);
  const concurrency = Number(value('concurrency') ?? '8');
  const durationMs = Number(value('duration-ms') ?? '3000');
  if (!(concurrency >= 1 && concurrency <= 64 && durationMs >= 100 && durationMs <= 60_000)) throw new Error('bad bounds');
  const tokensFile = value('tokens-file');
  const tokens = tokensFile ? readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean) : undefined;
  return { url, body: value('body') ?? '', token: value('token'), tokens, concurrency, durationMs };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-11-25',
    'content-length': Buffer.byteLength(options.body),
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let nextToken = 0;
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const once = () =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      const perCall = options.tokens ? { ...headers, authorization: `Bearer ${options.tokens[nextToken++]}` } : headers;
      const outgoing = request(options.url, { method: 'POST', agent, headers: perCall }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => {
          if (response.statusCode === 200 && text.includes('"structuredContent"') && !text.includes('"isError":true')) {
            latencies.push(performance.now() - sent);
          } else failures += 1;
          resolve();
        });
      });
      outgoing.on('error', () => {
        failures += 1;
        resolve();
      });
      outgoing.end(options.body);
    });

  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline && (!options.tokens || nextToken < options.tokens.length)) await once();
    }),
  );
  const ms = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const exhausted = options.tokens !== undefined && nextToken >= options.tokens.length;
  process.stdout.write(`${JSON.stringify({ requests: latencies.length, failures, ms, p50: at(0.5), p99: at(0.99), exhausted })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
