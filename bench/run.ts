// npm run bench: every benchmark in its own child process, one after the other (two cores:
// parallel runs would measure each other), each bounded in time; then the table of all figures
// from bench/results/. Pass names to run only some: npm run bench -- cold-sync event-path
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { RESULTS_DIR, tableLine, type BenchResult } from './lib/result';

/** Benchmark -> its deadline. The whole run stays under about 20 minutes on 2 cores. */
const BENCHMARKS: Record<string, number> = {
  'cold-sync': 300_000,
  'sandbox-admission': 120_000,
  'event-path': 180_000,
  'many-pbxs': 360_000,
  // regdesk serve: 200 PBX connections of 1,000 endpoints, /metrics scraped.
  'serve-fleet': 420_000,
  // The UI engineer's: Chromium (Debian chromium) on the built renderer, filter keystroke and first render.
  'renderer-table': 240_000,
  // Issue 13: one batch of 1,000 removals at 20/s (50 s) beside live traffic.
  'incident-batch': 240_000,
};

function runBench(name: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, `${name}.ts`)], { stdio: 'inherit' });
    const timer = setTimeout(() => {
      console.error(`${name}: still running after ${timeoutMs / 1000} s, killed`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

const selected = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(BENCHMARKS);
const failed: string[] = [];
for (const name of selected) {
  const timeoutMs = BENCHMARKS[name];
  if (timeoutMs === undefined) throw new Error(`no benchmark ${name}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  console.log(`--- ${name}`);
  if (!(await runBench(name, timeoutMs))) failed.push(name);
}
console.log('\n--- results');
for (const name of selected) {
  if (failed.includes(name)) {
    console.log(`ERROR  ${name}: the benchmark did not complete (see its output above)`);
    continue;
  }
  const stored = JSON.parse(readFileSync(join(RESULTS_DIR, `${name}.json`), 'utf8')) as BenchResult | BenchResult[];
  for (const r of Array.isArray(stored) ? stored : [stored]) console.log(tableLine(r));
}
process.exitCode = failed.length > 0 ? 1 : 0;
