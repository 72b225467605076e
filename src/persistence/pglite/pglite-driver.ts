import { EventEmitter } from 'node:events';
import { types, type PGlite, type Results } from '@electric-sql/pglite';
import { ConnectionMutex } from './connection-mutex.js';

type Callback = (error: Error | null, result?: unknown) => void;

interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: Results['fields'];
}

/** Parsers and serializers that make PGlite hand back the same JS types as `pg` does. */
export const PG_COMPATIBLE_PARSERS = {
  [types.INT8]: (value: string) => value,
  [types.NUMERIC]: (value: string) => value,
  [types.BYTEA]: (value: string) => Buffer.from(value.startsWith('\\x') ? value.slice(2) : value, 'hex'),
};

export const PG_COMPATIBLE_SERIALIZERS = {
  [types.BOOL]: (value: unknown) => (value === true || value === 'true' || value === 1 ? 'TRUE' : 'FALSE'),
};

function toPgResult(result: Results): PgLikeResult {
  return {
    rows: result.rows,
    rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
    command: (result.command ?? '').toUpperCase(),
    fields: result.fields,
  };
}

/**
 * A `pg`-shaped driver for TypeORM over one PGlite instance. PGlite has a single session, so the pool
 * hands it to one holder at a time (like `pg.Pool({ max: 1 })`): a transaction owns the session until it
 * is released, and concurrent transactions are isolated by serialisation. A caller that waits longer than
 * the timeout gets ConnectionWaitTimeoutError (mapped to 503), never a hang.
 */
export function createPgliteDriver(db: PGlite, waitTimeoutMs: number): object {
  const mutex = new ConnectionMutex(waitTimeoutMs);

  const run = async (sql: string, params?: unknown[]): Promise<PgLikeResult> => {
    if (params && params.length > 0) return toPgResult(await db.query(sql, params));
    const results = await db.exec(sql);
    return toPgResult(results[results.length - 1] ?? { rows: [], fields: [] });
  };

  class Connection extends EventEmitter {
    query(sql: string, params?: unknown[] | Callback, callback?: Callback): Promise<PgLikeResult> {
      const cb = typeof params === 'function' ? params : callback;
      const values = typeof params === 'function' ? undefined : params;
      const promise = run(sql, values);
      if (cb) promise.then((result) => cb(null, result), (error: Error) => cb(error));
      return promise;
    }
  }

  class Pool extends EventEmitter {
    connect(callback: (error: Error | null, connection?: Connection, release?: (error?: unknown) => void) => void): void {
      mutex.acquire().then(
        (release) => {
          const connection = new Connection();
          const done = (): void => {
            connection.removeAllListeners();
            // A holder must never leave a transaction open for the next one.
            if (db.isInTransaction()) {
              db.exec('ROLLBACK').finally(release);
            } else {
              release();
            }
          };
          callback(null, connection, done);
        },
        (error: Error) => callback(error),
      );
    }

    async query(sql: string, params?: unknown[]): Promise<PgLikeResult> {
      const release = await mutex.acquire();
      try {
        return await run(sql, params);
      } finally {
        release();
      }
    }

    end(callback?: (error?: Error) => void): void {
      // The PGlite instance belongs to whoever created it; closing happens there.
      callback?.();
    }
  }

  return { Pool, defaults: {}, types: { setTypeParser() {}, getTypeParser() {} } };
}
