import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProtocolError } from '../../common/errors/protocol-error.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { isDatabaseUnavailable } from '../../persistence/database-errors.js';
import { renderErrorPage } from './pages.js';

/** Errors on the browser-facing pages are pages too: same rules as the JSON filter, rendered as HTML. */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly logger: AppLogger;

  constructor(logger: AppLogger) {
    this.logger = logger.child('Pages');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    if (response.headersSent) {
      response.end();
      return;
    }
    const where = { method: request.method, path: request.path };
    if (exception instanceof ProtocolError) {
      this.logger.debug('page request refused', { ...where, code: exception.error, detail: exception.detail ?? exception.description });
      renderErrorPage(response, {
        status: exception.status,
        title: exception.status === 429 ? 'Too many attempts' : 'This request can’t be completed',
        message: exception.description,
        headers: exception.headers,
      });
      return;
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      renderErrorPage(response, { status: exception.getStatus(), title: 'This request can’t be completed', message: 'The request is not valid.' });
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn('database unavailable', where);
      renderErrorPage(response, { status: 503, title: 'Temporarily unavailable', message: 'Please try again in a moment.', headers: { 'Retry-After': '2' } });
      return;
    }
    this.logger.failure('unexpected error on a page', exception, where);
    renderErrorPage(response, { status: 500, title: 'Something went wrong', message: 'The server encountered an unexpected condition. Please try again.' });
  }
}
