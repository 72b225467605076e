export interface ProtocolErrorOptions {
  /** Private reason, written to the log and never sent to the client. */
  readonly detail?: string;
  /** Extra response headers, such as WWW-Authenticate or Retry-After. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra public members of the JSON body. */
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * An error with a defined wire shape: `{ "error": code, "error_description": text }` (RFC 6749 section
 * 5.2 for OAuth endpoints; the same shape for the JSON APIs). The description is public and fixed by
 * the thrower; the detail is for the log only.
 */
export abstract class ProtocolError extends Error {
  abstract readonly error: string;
  abstract readonly status: number;
  readonly detail?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(
    readonly description: string,
    options: ProtocolErrorOptions = {},
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }

  toJSON(): Record<string, unknown> {
    return { error: this.error, error_description: this.description, ...this.extra };
  }
}

/** An API error whose code and status are chosen at the throw site (client backend, admin APIs). */
export class ApiError extends ProtocolError {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
    options?: ProtocolErrorOptions,
  ) {
    super(description, options);
  }
}

/** The service can't reach what it needs right now (database down); the client may retry. */
export class ServiceUnavailableError extends ProtocolError {
  readonly error = 'temporarily_unavailable';
  readonly status = 503;

  constructor(detail?: string, cause?: unknown) {
    super('The service is temporarily unavailable. Retry shortly.', { detail, cause, headers: { 'Retry-After': '2' } });
  }
}
