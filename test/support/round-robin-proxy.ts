import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP reverse proxy standing in for a load balancer: each request (not each connection)
 * goes to the next upstream in turn, so consecutive requests on one keep-alive connection land on
 * different replicas. It appends the peer address to X-Forwarded-For, like a real proxy, and counts
 * the requests each upstream served.
 */
export class RoundRobinProxy {
  /** Requests sent to each upstream, in the order of `upstreams`. */
  served: number[] = [];
  upstreams: readonly URL[] = [];
  private next = 0;

  private constructor(
    private readonly server: Server,
    private readonly agent: Agent,
  ) {}

  /**
   * Listens on an ephemeral port of 127.0.0.1, so its URL is known before the upstreams start (they
   * need it as their public URL); answers 503 until `forwardTo` names them.
   */
  static async start(): Promise<RoundRobinProxy> {
    let proxy: RoundRobinProxy | undefined;
    const server = createServer((request, response) => proxy!.forward(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    proxy = new RoundRobinProxy(server, new Agent({ keepAlive: true, maxSockets: 64 }));
    return proxy;
  }

  /** The upstream base URLs, taken in turn from now on. */
  forwardTo(upstreams: readonly string[]): void {
    this.upstreams = upstreams.map((upstream) => new URL(upstream));
    this.served = upstreams.map(() => 0);
    this.next = 0;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The public base URL: http://localhost:<port>. */
  get url(): string {
    return `http://localhost:${this.port}`;
  }

  /** Requests served since the last reset, per upstream. */
  resetCounts(): void {
    this.served.fill(0);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    this.agent.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private forward(request: IncomingMessage, response: ServerResponse): void {
    if (this.upstreams.length === 0) {
      response.writeHead(503, { 'Content-Type': 'text/plain' }).end('no upstream yet');
      return;
    }
    const index = this.next;
    this.next = (this.next + 1) % this.upstreams.length;
    this.served[index] += 1;
    const upstream = this.upstreams[index];
    const forwardedFor = [request.headers['x-forwarded-for'], request.socket.remoteAddress].filter(Boolean).join(', ');
    const outbound = httpRequest(
      {
        agent: this.agent,
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, 'x-forwarded-for': forwardedFor },
        timeout: 30_000,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(response);
      },
    );
    outbound.on('timeout', () => outbound.destroy(new Error('upstream timed out')));
    outbound.on('error', () => {
      if (!response.headersSent) response.writeHead(502, { 'Content-Type': 'text/plain' }).end('bad gateway');
      else response.destroy();
    });
    request.pipe(outbound);
  }
}
