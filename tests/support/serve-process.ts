// `regdesk serve` as an admin runs it: a real process (tsx on the CLI entry), its log collected,
// its metrics address read from its log, every wait bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
/** The installed command (tsx registered in-process), so signals reach serve itself, not a tsx wrapper. */
const REGDESK = join(ROOT, 'bin', 'regdesk.mjs');

export interface ServeProcess {
  child: ChildProcess;
  /** Everything it wrote, stdout and stderr. */
  output(): string;
  /** Resolves with the first output line matching `pattern` (from the start); rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** http://127.0.0.1:PORT of its /metrics, /healthz, /readyz (once it said where it listens). */
  base(timeoutMs?: number): Promise<string>;
  /** SIGTERM; resolves with the exit code and how long it took; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<{ code: number | null; ms: number }>;
  exited: Promise<number | null>;
}

export function startServe(args: string[], env: Record<string, string> = {}, cwd = ROOT): ServeProcess {
  const child = spawn(process.execPath, [REGDESK, 'serve', ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = out.split('\n').find((l) => pattern.test(l));
        if (line === undefined) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(line);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`regdesk serve did not log ${pattern} within ${timeoutMs} ms; it logged:\n${out}`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  return {
    child,
    output: () => out,
    waitFor,
    async base(timeoutMs = 20_000) {
      const line = await waitFor(/metrics on http:\/\//, timeoutMs);
      return /(http:\/\/[^/]+)\/metrics/.exec(line)![1]!;
    },
    async stop(timeoutMs = 10_000) {
      const started = performance.now();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(killer);
      return { code, ms: performance.now() - started };
    },
    exited,
  };
}

/** A TCP port on 127.0.0.1 nobody is bound to right now (bind to 0, read it, release it). */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** Polls `probe` until it returns a value that is not undefined/null/false; rejects at the deadline with `what`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The value of one series in a Prometheus text exposition, or null when it is absent. */
export function sampleOf(metricsText: string, series: string): number | null {
  for (const line of metricsText.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return null;
}
