export interface Row {
  readonly what: string;
  readonly figure: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly goal?: string;
}

/** Prints one benchmark table (what, figure, the baseline measured in the same run, ratio, goal). */
export function printTable(title: string, rows: readonly Row[]): void {
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
