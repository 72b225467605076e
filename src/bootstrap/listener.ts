import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
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

/**
 * Requests Node's HTTP parser refuses (oversized headers, malformed request lines, timeouts) never reach
 * the application; they still get the usual JSON error shape instead of Node's bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === 'ECONNRESET' || !socket.writable || busy) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'HPE_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    error: 'invalid_request',
    error_description: status === 431 ? 'The request headers are too large.' : status === 408 ? 'The request took too long.' : 'The request is malformed.',
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function openListener(config: Pick<ListenerConfig, 'port' | 'host' | 'tls'>): Promise<Listener> {
  let handler: RequestHandler = notReady;
  const dispatch: RequestHandler = (request, response) => handler(request, response);
  const server = config.tls ? createHttpsServer({ cert: config.tls.cert, key: config.tls.key }, dispatch) : createHttpServer(dispatch);
  // Bound slow clients: headers within 10 s, whole request within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.on('clientError', answerClientError);
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
