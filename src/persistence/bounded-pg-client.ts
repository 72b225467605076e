import pg from 'pg';

/** The message pg gives a query that outlived `query_timeout`. */
export const QUERY_READ_TIMEOUT = 'Query read timeout';

/** How much longer than the server's statement_timeout the client waits for an answer before giving up. */
export const QUERY_TIMEOUT_MARGIN_MS = 1000;

function isReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === QUERY_READ_TIMEOUT;
}

/**
 * A pg client that closes its connection once a query outlives `query_timeout`. pg answers the caller
 * with an error at that point but keeps the connection, still waiting for the lost answer, and the
 * pool would hand it to the next request, which would wait behind it. A server that hangs without
 * closing anything (frozen, or a network path that drops packets) would then hold every request until
 * it wakes up. Closing the socket makes the client emit `error`, so the pool discards it (TypeORM
 * releases a checked-out connection with that error) and opens a fresh one when the server is back.
 */
export class BoundedPgClient extends pg.Client {
  // pg's overloads (text, config, callback and promise forms) all pass through unchanged.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (error: unknown, ...rest: unknown[]) => {
        if (isReadTimeout(error)) this.discard();
        return (last as (...values: unknown[]) => unknown)(error, ...rest);
      };
    }
    const result = (super.query as (...values: unknown[]) => unknown).apply(this, args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (isReadTimeout(error)) this.discard();
      });
    }
    return result;
  }

  private discard(): void {
    // `connection` is pg's internal wire connection; destroying its socket is how pg itself aborts one.
    (this as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}
