import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from './returned-rows.js';

/** Runs SQL and returns its rows, whatever the command (see returnedRows). */
export async function queryRows<T = Record<string, unknown>>(
  executor: DataSource | EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  return returnedRows<T>(await executor.query(sql, parameters));
}
