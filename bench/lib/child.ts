// Child processes for benchmarks: each measured part runs alone in its own Node process (so
// its CPU and RSS are its own), under tsx, killed if it outlives its deadline. A child hands
// figures to its parent with report(): one marked JSON line on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const REPORT_PREFIX = 'BENCH-REPORT ';

function spawnTsx(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** In a child: hand a value to the parent. */
export function report(value: unknown): void {
  process.stdout.write(REPORT_PREFIX + JSON.stringify(value) + '\n');
}

/** Calls `onReport` for each report() of the child; other stdout lines pass through. */
function readReports(child: ChildProcess, onReport: (value: unknown) => void): void {
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith(REPORT_PREFIX)) onReport(JSON.parse(line.slice(REPORT_PREFIX.length)));
    else console.log(line);
  });
}

/** Run `file` to its end and return its last report(); rejects on a non-zero exit or after `timeoutMs`. */
export function runChild<T>(file: string, args: string[], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawnTsx(file, args);
    let reported: T | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    readReports(child, (value) => (reported = value as T));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && reported !== undefined) resolve(reported);
      else reject(new Error(`${file} ${args.join(' ')} exited with ${signal ?? code}${reported === undefined ? ', without a report' : ''}`));
    });
  });
}

/** A long-running helper child (a server): `ready` is its first report(); later ones come from nextReport(). */
export interface Helper<T> {
  ready: T;
  nextReport<U>(timeoutMs: number): Promise<U>;
  stop(): Promise<void>;
}

export function startHelper<T>(file: string, args: string[], timeoutMs: number): Promise<Helper<T>> {
  const child = spawnTsx(file, args);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const queued: unknown[] = [];
  let waiter: ((value: unknown) => void) | null = null;
  readReports(child, (value) => {
    if (waiter) waiter(value);
    else queued.push(value);
  });
  const nextReport = <U>(ms: number): Promise<U> =>
    new Promise((resolve, reject) => {
      if (queued.length > 0) return resolve(queued.shift() as U);
      const timer = setTimeout(() => {
        waiter = null;
        reject(new Error(`${file} sent no report within ${ms} ms`));
      }, ms);
      child.once('exit', () => reject(new Error(`${file} exited before its next report`)));
      waiter = (value) => {
        clearTimeout(timer);
        waiter = null;
        resolve(value as U);
      };
    });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(killer);
  };
  return nextReport<T>(timeoutMs).then(
    (ready) => ({ ready, nextReport, stop }),
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );
}
