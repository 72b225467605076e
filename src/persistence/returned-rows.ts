/**
 * The rows of an `UPDATE|DELETE ... RETURNING` run through `query()`: TypeORM's PostgreSQL runner
 * answers those two commands with `[rows, affectedCount]` instead of the rows alone.
 */
export function returnedRows<T>(raw: unknown): T[] {
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number') return raw[0] as T[];
  return raw as T[];
}
