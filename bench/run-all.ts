import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUICK } from './lib/bench-env.js';
import { printTable, type Row, type SummaryLine } from './lib/table.js';

/**
 * `npm run bench`: runs every benchmark one after the other and prints one combined table. A benchmark
 * is a top-level bench/<name>.ts with a `bench:<name>` npm script; the other top-level files (helpers
 * such as the load generator, this runner, the soak) are listed as skipped. Each script's printTable
 * rows reach this runner as JSON lines in a file named by BENCH_SUMMARY_FILE. BENCH_ONLY=<name>[,<name>]
 * picks scripts; BENCH_QUICK=1 is passed on, and every script then runs short rounds.
 */
const SOURCE_DIR = fileURLToPath(new URL('../../bench/', import.meta.url));
const BUILT_DIR = fileURLToPath(new URL('./', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));
const NOT_BENCHMARKS = new Set(['run-all', 'soak']);
const TIMEOUT_MS = (QUICK ? 5 : 20) * 60_000;

interface Outcome {
  readonly name: string;
  readonly code: number | null;
  readonly seconds: number;
  readonly rows: SummaryLine[];
}

function discover(): { benchmarks: string[]; skipped: string[] } {
  const scripts = (JSON.parse(readFileSync(PACKAGE, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const names = readdirSync(SOURCE_DIR)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .filter((name) => !NOT_BENCHMARKS.has(name))
    .sort();
  return { benchmarks: names.filter((name) => `bench:${name}` in scripts), skipped: names.filter((name) => !(`bench:${name}` in scripts)) };
}

function run(name: string, summaryFile: string): Promise<Outcome> {
  const started = Date.now();
  process.stdout.write(`\n== bench:${name}${QUICK ? ' (quick)' : ''}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(BUILT_DIR, `${name}.js`)], { env: { ...process.env, BENCH_SUMMARY_FILE: summaryFile }, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => {
      process.stderr.write(`bench:${name} ran longer than ${TIMEOUT_MS / 60_000} min: stopped\n`);
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const rows = existsSync(summaryFile)
        ? readFileSync(summaryFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as SummaryLine)
        : [];
      resolve({ name, code, seconds: (Date.now() - started) / 1000, rows });
    });
  });
}

async function main(): Promise<number> {
  const { benchmarks, skipped } = discover();
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = only?.filter((name) => !benchmarks.includes(name)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`BENCH_ONLY names no benchmark: ${unknown.join(', ')} (benchmarks: ${benchmarks.join(', ')})\n`);
    return 1;
  }
  const selected = only ? benchmarks.filter((name) => only.includes(name)) : benchmarks;
  process.stdout.write(`benchmarks: ${selected.join(', ')}${skipped.length > 0 ? `; not benchmarks (no bench:<name> script): ${skipped.join(', ')}` : ''}\n`);
  const workDir = mkdtempSync(join(tmpdir(), 'acimd-bench-summary-'));
  const outcomes: Outcome[] = [];
  try {
    for (const name of selected) outcomes.push(await run(name, join(workDir, `${name}.jsonl`)));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const rows: Row[] = outcomes.flatMap((outcome) => [
    ...outcome.rows.map(({ what, figure, baseline, ratio, goal }) => ({ what: `${outcome.name}: ${what}`, figure, baseline, ratio, goal })),
    {
      what: `${outcome.name}: ${outcome.code === 0 ? 'completed' : `FAILED (exit ${outcome.code ?? 'killed'})`} in`,
      figure: `${outcome.seconds.toFixed(0)} s`,
      baseline: '',
      ratio: '',
    },
  ]);
  printTable(`summary: npm run bench${QUICK ? ' (BENCH_QUICK=1: short rounds, figures indicative only)' : ''}`, rows);
  return outcomes.every((outcome) => outcome.code === 0) ? 0 : 1;
}

process.exitCode = await main();
