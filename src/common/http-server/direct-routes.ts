import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestPath } from './request-path.js';

/**
 * An endpoint served before the framework's router, for the hottest path (the token endpoint): it reads
 * the request and writes the whole response itself, errors included (through the ErrorResponder), and
 * must never reject. Only its exact method and path are taken; every other request (its CORS preflight
 * included) goes through the framework as usual.
 */
export interface DirectRoute {
  readonly method: 'POST';
  readonly path: string;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

/** The direct routes of one role's application; modules add theirs when they start. */
@Injectable()
export class DirectRoutes {
  private readonly routes = new Map<string, DirectRoute>();

  add(route: DirectRoute): void {
    const key = `${route.method} ${route.path}`;
    if (this.routes.has(key)) throw new Error(`two direct routes for ${key}`);
    this.routes.set(key, route);
  }

  match(request: IncomingMessage): DirectRoute | undefined {
    return this.routes.size === 0 ? undefined : this.routes.get(`${request.method} ${requestPath(request)}`);
  }
}
