import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ListenerConfig } from '../config/sections/listener.js';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** A listening socket for one role. It answers 503 until the role's application is attached. */
export interface Listener {
  readonly server: Server;
  readonly port: number;
  attach(handler: RequestHandler): void;
}

function notReady(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Retry-After': '1', Connection: 'close' });
  response.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'The server is starting.' }));
}

export async function openListener(config: Pick<ListenerConfig, 'port' | 'host' | 'tls'>): Promise<Listener> {
  let handler: RequestHandler = notReady;
  const dispatch: RequestHandler = (request, response) => handler(request, response);
  const server = config.tls ? createHttpsServer({ cert: config.tls.cert, key: config.tls.key }, dispatch) : createHttpServer(dispatch);
  // Bound slow clients: headers within 10 s, whole request within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    attach(next) {
      handler = next;
    },
  };
}
