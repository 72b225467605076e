/**
 * BENCH_QUICK=1: every benchmark runs shorter rounds and smaller counts, so CI can run each of them in
 * seconds. The figures then show that the scripts work, not what the code can do.
 */
export const QUICK = process.env.BENCH_QUICK === '1';
