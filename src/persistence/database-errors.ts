/** Raised by the embedded driver when a connection can't be had in time. */
export class ConnectionWaitTimeoutError extends Error {
  override readonly name = 'ConnectionWaitTimeoutError';
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connection terminated',
  'Client has encountered a connection error',
  'Driver not Connected',
  'terminating connection',
  'the database system is',
  'Cannot use a pool after calling end',
  'Query read timeout',
  'canceling statement due to statement timeout',
];

/** True when an error means "the database is unreachable or overloaded", not "the query is wrong". */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  if (error instanceof ConnectionWaitTimeoutError) return true;
  const record = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof record.code === 'string' && (UNAVAILABLE_CODES.has(record.code) || record.code.startsWith('08'))) return true;
  if (typeof record.message === 'string' && UNAVAILABLE_MESSAGES.some((text) => (record.message as string).includes(text))) {
    return true;
  }
  return isDatabaseUnavailable(record.driverError, depth + 1) || isDatabaseUnavailable(record.cause, depth + 1);
}

/** True for a unique-constraint violation (SQLSTATE 23505), on pg and on PGlite alike. */
export function isUniqueViolation(error: unknown): boolean {
  const record = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  return record?.code === '23505' || record?.driverError?.code === '23505';
}

/**
 * The rows of a DELETE/UPDATE ... RETURNING run through TypeORM's query(), which answers
 * [rows, affectedCount] for those commands on PostgreSQL (and plain rows for SELECT and INSERT).
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
