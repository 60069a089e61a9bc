// One benchmark figure as issue 5 specifies it, so runs compare without reading code:
// {"name","metric","value","unit","baseline","baselineValue","ratio","target","pass","machine","date"}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface BenchResult {
  name: string;
  metric: string;
  value: number;
  unit: string;
  /** What the value is compared against, measured in the same run; null when the target is absolute. */
  baseline: string | null;
  baselineValue: number | null;
  /** value / baselineValue, null without a baseline. */
  ratio: number | null;
  /** Human-readable target, e.g. ">= 3x asterisk-manager" or "<= 50 ms". */
  target: string;
  pass: boolean;
  machine: string;
  /** ISO 8601 time of the measurement. */
  date: string;
}

export type BenchFigure = Omit<BenchResult, 'machine' | 'date' | 'ratio'>;

export const RESULTS_DIR = join(import.meta.dirname, '..', 'results');

/** CPU model and count, total memory, Node version: enough to tell two machines apart. */
export function machine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  return `${model} x${cores.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`;
}

export function result(figure: BenchFigure): BenchResult {
  const ratio = figure.baselineValue ? round(figure.value / figure.baselineValue, 2) : null;
  return { ...figure, value: round(figure.value, 2), baselineValue: figure.baselineValue === null ? null : round(figure.baselineValue, 2), ratio, machine: machine(), date: new Date().toISOString() };
}

/** Writes bench/results/<file>.json (one object, or an array when several) and prints a line per figure. */
export function writeResults(file: string, results: BenchResult[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const body = results.length === 1 ? results[0] : results;
  writeFileSync(join(RESULTS_DIR, `${file}.json`), JSON.stringify(body, null, 2) + '\n');
  for (const r of results) console.log(tableLine(r));
}

export function tableLine(r: BenchResult): string {
  const against = r.baseline === null ? '' : ` vs ${r.baseline} ${r.baselineValue} (x${r.ratio})`;
  return `${r.pass ? 'PASS' : 'FAIL'}  ${r.name}  ${r.metric}: ${r.value} ${r.unit}${against}  target ${r.target}`;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The p-th percentile (0..100) of `values`, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
