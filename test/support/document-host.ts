import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCertificate } from './test-ca.js';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

export interface ServedJson {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** With an ETag, a matching If-None-Match is answered 304. */
  readonly etag?: string;
  readonly lastModified?: string;
  readonly contentType?: string;
}

export interface SeenRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

/**
 * A loopback HTTP (or HTTPS) server standing in for the hosts of client metadata documents and JWKS:
 * routes are set per path, every request is recorded, and unknown paths answer 404.
 */
export class DocumentHost {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, RouteHandler>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly https: boolean,
  ) {}

  static async start(options: { tls?: TestCertificate } = {}): Promise<DocumentHost> {
    let host: DocumentHost | undefined;
    const handler = (request: IncomingMessage, response: ServerResponse) => host!.handle(request, response);
    const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = new DocumentHost(server, (server.address() as AddressInfo).port, Boolean(options.tls));
    return host;
  }

  /** Base URL on loopback: http://localhost:<port> (or https://localhost:<port>). */
  get origin(): string {
    return `${this.https ? 'https' : 'http'}://localhost:${this.port}`;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  route(path: string, handler: RouteHandler): void {
    this.routes.set(path, handler);
  }

  json(path: string, body: unknown, served: ServedJson = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    this.route(path, (request, response) => {
      const headers: Record<string, string> = { 'Content-Type': served.contentType ?? 'application/json', ...served.headers };
      if (served.etag) headers.ETag = served.etag;
      if (served.lastModified) headers['Last-Modified'] = served.lastModified;
      const notModified =
        (served.etag && request.headers['if-none-match'] === served.etag) ||
        (!served.etag && served.lastModified && request.headers['if-modified-since'] === served.lastModified);
      if (notModified) {
        delete headers['Content-Type'];
        response.writeHead(304, headers).end();
        return;
      }
      response.writeHead(served.status ?? 200, headers).end(text);
    });
  }

  status(path: string, status: number, headers: Record<string, string> = {}): void {
    this.route(path, (_request, response) => response.writeHead(status, headers).end());
  }

  remove(path: string): void {
    this.routes.delete(path);
  }

  count(path: string): number {
    return this.requests.filter((request) => request.path === path).length;
  }

  last(path: string): SeenRequest | undefined {
    return this.requests.filter((request) => request.path === path).at(-1);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? '/';
    this.requests.push({ path, headers: request.headers });
    const handler = this.routes.get(path);
    if (handler) handler(request, response);
    else response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not_found"}');
  }
}
