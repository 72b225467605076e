import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorResponder } from './error-responder.js';

/** Every error a framework route raises goes to the one ErrorResponder (pages have their own filter). */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly responder: ErrorResponder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.responder.respond(exception, http.getRequest<IncomingMessage>(), http.getResponse<ServerResponse>());
  }
}
