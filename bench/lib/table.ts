import { appendFileSync } from 'node:fs';

export interface Row {
  readonly what: string;
  readonly figure: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly goal?: string;
}

/** One row as `npm run bench` collects it: the table it came from, then the row's cells. */
export interface SummaryLine extends Row {
  readonly table: string;
}

/**
 * Prints one benchmark table (what, figure, the baseline measured in the same run, ratio, goal). With
 * BENCH_SUMMARY_FILE set, also appends each row to that file as one JSON line (how bench/run-all.ts
 * collects every script's figures).
 */
export function printTable(title: string, rows: readonly Row[]): void {
  const summaryFile = process.env.BENCH_SUMMARY_FILE;
  if (summaryFile) appendFileSync(summaryFile, rows.map((row) => `${JSON.stringify({ table: title, ...row } satisfies SummaryLine)}\n`).join(''));
  const header: Row = { what: 'what', figure: 'figure', baseline: 'baseline (same run)', ratio: 'ratio', goal: 'goal' };
  const all = [header, ...rows];
  const width = (key: keyof Row) => Math.max(...all.map((row) => (row[key] ?? '').length));
  const line = (row: Row) =>
    `| ${(['what', 'figure', 'baseline', 'ratio', 'goal'] as const).map((key) => (row[key] ?? '').padEnd(width(key))).join(' | ')} |`;
  process.stdout.write(`\n${title}\n${line(header)}\n|${(['what', 'figure', 'baseline', 'ratio', 'goal'] as const).map((key) => '-'.repeat(width(key) + 2)).join('|')}|\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

export const perSecond = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;
export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const ratio = (value: number, base: number) => (base > 0 ? `${(value / base).toFixed(2)}x` : 'n/a');
