import { performance } from 'node:perf_hooks';

/** Median wall time of `run` in milliseconds, after warm-up runs (JIT and caches settle first). */
export function medianMs(run: () => void, { warmup = 5, repeats = 21 } = {}): number {
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export interface BenchRow {
  readonly name: string;
  readonly figure: string;
  readonly peer: string;
  readonly ratio: string;
  readonly note: string;
}

export function printTable(rows: readonly BenchRow[]): void {
  const header: BenchRow = { name: 'benchmark', figure: 'ours', peer: 'peer', ratio: 'ratio', note: 'note' };
  const all = [header, ...rows];
  const width = (key: keyof BenchRow) => Math.max(...all.map((row) => row[key].length));
  const keys: (keyof BenchRow)[] = ['name', 'figure', 'peer', 'ratio', 'note'];
  const line = (row: BenchRow) => `| ${keys.map((key) => row[key].padEnd(width(key))).join(' | ')} |`;
  console.log(line(header));
  console.log(`| ${keys.map((key) => '-'.repeat(width(key))).join(' | ')} |`);
  for (const row of rows) console.log(line(row));
}
