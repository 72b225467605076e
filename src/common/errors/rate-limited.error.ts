import { ProtocolError } from './protocol-error.js';

/** 429 with Retry-After, in the usual JSON error shape. */
export class RateLimitedError extends ProtocolError {
  readonly error = 'too_many_requests';
  readonly status = 429;

  constructor(retryAfterSeconds: number, detail?: string) {
    super('Too many requests. Retry later.', {
      detail,
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}
