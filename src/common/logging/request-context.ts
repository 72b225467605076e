import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  readonly requestId: string;
  readonly role: string;
}

/** Carries the request id through every await of a request, so log lines can name it. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
