import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestId as newRequestId } from '../common/crypto/random.js';
import type { ClientAddress } from '../common/http-server/client-address.js';
import { sendJson } from '../common/http-server/json-response.js';
import { requestPath } from '../common/http-server/request-path.js';
import type { AppLogger } from '../common/logging/app-logger.js';
import { requestContext } from '../common/logging/request-context.js';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Percent-encoded control characters (NUL, line breaks, ...): no URL here means them, and NUL can't be stored. */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;

/**
 * The first step of every request of a role, before any routing: assigns the request id, logs one
 * access line per request, counts requests in flight and, once draining has begun, refuses new
 * requests with 503.
 */
export class RequestPipeline {
  private inFlight = 0;
  private draining = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly role: string,
    private readonly logger: AppLogger,
    private readonly clientAddress: ClientAddress,
  ) {}

  get active(): number {
    return this.inFlight;
  }

  readonly handle = (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : newRequestId();
    response.setHeader('X-Request-Id', requestId);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (ENCODED_CONTROL.test(request.url ?? '')) {
      response.setHeader('Cache-Control', 'no-store');
      sendJson(response, 400, { error: 'invalid_request', error_description: 'The URL contains control characters.' });
      return;
    }
    if (this.draining) {
      response.setHeader('Connection', 'close');
      response.setHeader('Retry-After', '1');
      sendJson(response, 503, { error: 'temporarily_unavailable', error_description: 'The server is shutting down.' });
      return;
    }
    const started = process.hrtime.bigint();
    const context = { requestId, role: this.role };
    this.inFlight += 1;
    let finished = false;
    const done = (): void => {
      if (finished) return;
      finished = true;
      this.inFlight -= 1;
      if (this.logger.isEnabled('info')) {
        this.logger.write(
          'info',
          'request',
          {
            method: request.method,
            path: requestPath(request),
            status: response.statusCode,
            ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
            ip: this.clientAddress(request),
            aborted: !response.writableFinished || undefined,
          },
          undefined,
          context,
        );
      }
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    };
    response.once('finish', done);
    response.once('close', done);
    requestContext.run(context, () => {
      if (this.draining) response.setHeader('Connection', 'close');
      next();
    });
  };

  /** Stops taking new requests; resolves when the ones in flight have finished or the grace ends. */
  drain(graceMs: number): Promise<boolean> {
    this.draining = true;
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), graceMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
