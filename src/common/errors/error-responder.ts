import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailable } from '../../persistence/database-errors.js';
import { bodyParserError } from '../http-server/body-parsers.js';
import { sendJson } from '../http-server/json-response.js';
import { requestPath } from '../http-server/request-path.js';
import type { AppLogger } from '../logging/app-logger.js';
import { ProtocolError, ServiceUnavailableError } from './protocol-error.js';

interface WireError {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

const GENERIC = { error: 'server_error', error_description: 'The server encountered an unexpected condition.' };

const HTTP_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'invalid_request',
  415: 'invalid_request',
  429: 'too_many_requests',
};

function fromHttpException(exception: HttpException): WireError {
  const status = exception.getStatus();
  if (status >= 500) return { status: 500, body: GENERIC, headers: {} };
  const response = exception.getResponse();
  let description = exception.message;
  if (typeof response === 'object' && response !== null) {
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) description = message.join('; ');
    else if (typeof message === 'string') description = message;
  }
  if (status === 404) description = 'There is nothing at this address.';
  return { status, body: { error: HTTP_CODES[status] ?? 'invalid_request', error_description: description }, headers: {} };
}

/**
 * The one place where errors become responses: ProtocolErrors keep their code and public text;
 * body-parser and framework errors become invalid_request-shaped JSON; a lost database is 503;
 * anything else is a generic server_error. The detail and any stack go to the log only. Used by the
 * framework's exception filter and by the routes served without the framework (the token endpoint).
 */
export class ErrorResponder {
  constructor(private readonly logger: AppLogger) {}

  respond(exception: unknown, request: IncomingMessage, response: ServerResponse): void {
    const wire = this.toWire(exception, request);
    if (response.headersSent) {
      response.end();
      return;
    }
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    for (const [name, value] of Object.entries(wire.headers)) response.setHeader(name, value);
    sendJson(response, wire.status, wire.body);
  }

  private toWire(thrown: unknown, request: IncomingMessage): WireError {
    const where = { method: request.method, path: requestPath(request) };
    // The parsers are wrapped to throw ProtocolErrors already; one that is not gets the same mapping.
    const exception = bodyParserError(thrown) ?? thrown;
    if (exception instanceof ProtocolError) {
      const level = exception.status >= 500 ? 'warn' : 'debug';
      this.logger.write(level, 'request refused', {
        ...where,
        status: exception.status,
        code: exception.error,
        detail: exception.detail ?? exception.description,
        cause: exception.cause instanceof Error ? exception.cause.message : undefined,
      });
      return { status: exception.status, body: exception.toJSON(), headers: { ...exception.headers } };
    }
    if (exception instanceof HttpException) {
      const wire = fromHttpException(exception);
      this.logger.debug('request refused', { ...where, status: wire.status, detail: exception.message });
      return wire;
    }
    if (isDatabaseUnavailable(exception)) {
      const unavailable = new ServiceUnavailableError();
      this.logger.warn('database unavailable', { ...where, detail: (exception as Error)?.message });
      return { status: 503, body: unavailable.toJSON(), headers: { ...unavailable.headers } };
    }
    this.logger.failure('unexpected error', exception, where);
    return { status: 500, body: GENERIC, headers: {} };
  }
}
