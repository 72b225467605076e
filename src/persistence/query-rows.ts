import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs SQL and returns its rows. TypeORM's query() answers `[rows, affectedCount]` for UPDATE and
 * DELETE but plain rows otherwise; this hides the difference so `... RETURNING` reads the same everywhere.
 */
export async function queryRows<T = Record<string, unknown>>(
  executor: DataSource | EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const result: unknown = await executor.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
