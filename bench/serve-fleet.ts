// Benchmark (issue 15): one `regdesk serve` process (the real command, bin/regdesk.mjs) watching
// 200 Sandbox PBX connections of 1,000 endpoints each, spread over two sandbox processes, with
// about 200 AMI events/s in total from REGISTERs of scripted SIP phones. Figures: serve's CPU in %
// of one core (median of WINDOWS windows, read from /proc, scraped every SCRAPE_EVERY_MS as a
// Prometheus would), its RSS, the p99 latency of a /metrics scrape with the default series, and
// the scrape's size. CPU is set against the same floor as many-pbxs: plain TCP connections in
// another process, logged in, reading and discarding the same events, measured in the same run.
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild, startHelper, type Helper } from './lib/child';
import { BENCH_AMI_USER } from './lib/sandbox-config';
import { percentile, result, writeResults } from './lib/result';

/** SERVE_FLEET_PBXS / SERVE_FLEET_ENDPOINTS: a smaller smoke run of the same code (its figures are not the issue's). */
const PBXS = Number(process.env.SERVE_FLEET_PBXS ?? 200);
const SANDBOX_PROCESSES = 2;
const ENDPOINTS = Number(process.env.SERVE_FLEET_ENDPOINTS ?? 1_000);
/** Four AMI events per REGISTER (ChallengeSent, SuccessfulAuth, ContactStatus, PeerStatus): 50/s for 200 events/s. */
const REGISTERS_PER_SECOND = 50;
const EVENTS_PER_SECOND = 200;
const SETTLE_MS = 15_000;
const WINDOW_MS = 10_000;
const WINDOWS = 3;
/** A scrape during the CPU windows every this often (Prometheus' default interval is 15 s to 1 min). */
const SCRAPE_EVERY_MS = 5_000;
const LATENCY_SCRAPES = 100;
const LATENCY_GAP_MS = 100;
const FLOOR_SETTLE_MS = 5_000;
const TARGETS = { cpuPercent: 10, rssMb: 1024, scrapeP99Ms: 100 };
const ROOT = join(import.meta.dirname, '..');
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process, in ms (Linux /proc). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function scrape(base: string): Promise<{ ms: number; text: string }> {
  const started = performance.now();
  const res = await fetch(`${base}/metrics`);
  const text = await res.text();
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  return { ms: performance.now() - started, text };
}

function sum(text: string, metric: string): number {
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${metric}{`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

const dir = mkdtempSync(join(tmpdir(), 'regdesk-bench-serve-'));
const sandboxes: Array<Helper<{ ports: number[] }>> = [];
let serve: ReturnType<typeof spawn> | null = null;
try {
  for (let i = 0; i < SANDBOX_PROCESSES; i++) {
    sandboxes.push(await startHelper(join(import.meta.dirname, 'children', 'many-sandboxes.ts'), [String(PBXS / SANDBOX_PROCESSES), String(ENDPOINTS), String(REGISTERS_PER_SECOND / SANDBOX_PROCESSES)], 180_000));
  }
  const ports = sandboxes.flatMap((s) => s.ready.ports);
  const config = join(dir, 'serve.yml');
  writeFileSync(config, `pbxs:\n${ports.map((port, i) => `  - { name: pbx-${i + 1}, host: 127.0.0.1, port: ${port}, user: ${BENCH_AMI_USER.name}, secret_env: BENCH_AMI_SECRET }`).join('\n')}\n`);

  const child = spawn(process.execPath, [join(ROOT, 'bin', 'regdesk.mjs'), 'serve', '--config', config, '--listen', '127.0.0.1:0'], { env: { ...process.env, BENCH_AMI_SECRET: BENCH_AMI_USER.secret }, stdio: ['ignore', 'ignore', 'pipe'] });
  serve = child;
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 30 s:\n${log}`)), 30_000);
    child.stderr!.on('data', () => {
      const m = /metrics on (http:\/\/[^/]+)\/metrics/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const syncStarted = performance.now();
  for (const deadline = Date.now() + 180_000; ; await sleep(1_000)) {
    if ((await fetch(`${base}/readyz`)).ok) {
      const { text } = await scrape(base);
      if (sum(text, 'regdesk_endpoints') === PBXS * ENDPOINTS) break;
    }
    if (Date.now() > deadline) throw new Error(`not all ${PBXS} PBXs synced within 180 s`);
  }
  const syncSeconds = (performance.now() - syncStarted) / 1000;
  await sleep(SETTLE_MS);

  const pid = child.pid!;
  const eventsBefore = sum((await scrape(base)).text, 'regdesk_ami_events_total');
  const windows: number[] = [];
  for (let i = 0; i < WINDOWS; i++) {
    const cpu = cpuMs(pid);
    const started = performance.now();
    for (let t = 0; t < WINDOW_MS; t += SCRAPE_EVERY_MS) {
      await sleep(SCRAPE_EVERY_MS);
      await scrape(base);
    }
    windows.push(((cpuMs(pid) - cpu) / (performance.now() - started)) * 100);
  }
  const measuredEvents = (sum((await scrape(base)).text, 'regdesk_ami_events_total') - eventsBefore) / ((WINDOWS * WINDOW_MS) / 1000);
  const rss = rssMb(pid);

  const latencies: number[] = [];
  let size = 0;
  let series = 0;
  for (let i = 0; i < LATENCY_SCRAPES; i++) {
    const { ms, text } = await scrape(base);
    latencies.push(ms);
    size = Buffer.byteLength(text);
    series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    await sleep(LATENCY_GAP_MS);
  }
  child.kill('SIGTERM');
  serve = null;

  const floor = await runChild<{ percents: number[]; events: number }>(join(import.meta.dirname, 'children', 'raw-ami-readers.ts'), [ports.join(','), String(FLOOR_SETTLE_MS), String(WINDOW_MS), String(WINDOWS)], FLOOR_SETTLE_MS + WINDOWS * WINDOW_MS + 60_000);
  const floorEvents = floor.events / ((WINDOWS * WINDOW_MS) / 1000);
  if (Math.abs(measuredEvents / EVENTS_PER_SECOND - 1) > 0.2) throw new Error(`serve counted ${measuredEvents.toFixed(0)} AMI events/s, not about ${EVENTS_PER_SECOND}: adjust REGISTERS_PER_SECOND`);

  const what = `${PBXS} PBX connections x ${ENDPOINTS} endpoints over ${SANDBOX_PROCESSES} sandbox processes, ${Math.round(measuredEvents)} AMI events/s (counted by serve; the floor counted ${Math.round(floorEvents)}/s), a scrape every ${SCRAPE_EVERY_MS / 1000} s`;
  const cpu = percentile(windows, 50);
  const p99 = percentile(latencies, 99);
  writeResults('serve-fleet', [
    result({
      name: 'serve-fleet',
      metric: `regdesk serve CPU, median of ${WINDOWS} windows of ${WINDOW_MS / 1000} s (${windows.map((w) => w.toFixed(2)).join(' / ')}), ${what}`,
      value: cpu,
      unit: '% of one core',
      baseline: `the floor: ${PBXS} plain TCP connections in another process, logged in, reading and discarding the same events (median; ${floor.percents.map((p) => p.toFixed(2)).join(' / ')})`,
      baselineValue: percentile(floor.percents, 50),
      target: `<= ${TARGETS.cpuPercent}% at ${EVENTS_PER_SECOND} events/s`,
      pass: cpu <= TARGETS.cpuPercent,
    }),
    result({ name: 'serve-fleet-rss', metric: `regdesk serve RSS after the CPU windows, ${what}`, value: rss, unit: 'MB', baseline: null, baselineValue: null, target: `<= ${TARGETS.rssMb} MB`, pass: rss <= TARGETS.rssMb }),
    result({
      name: 'serve-fleet-scrape-p99',
      metric: `/metrics scrape latency p99 of ${LATENCY_SCRAPES} scrapes ${LATENCY_GAP_MS} ms apart (median ${percentile(latencies, 50).toFixed(1)} ms), default series (${series} series), same load`,
      value: p99,
      unit: 'ms',
      baseline: null,
      baselineValue: null,
      target: `<= ${TARGETS.scrapeP99Ms} ms`,
      pass: p99 <= TARGETS.scrapeP99Ms,
    }),
    result({ name: 'serve-fleet-scrape-size', metric: `/metrics body with the default series (${series} series) for ${PBXS} PBXs`, value: size, unit: 'bytes', baseline: null, baselineValue: null, target: 'none (context)', pass: true }),
    result({ name: 'serve-fleet-sync', metric: `time from serve listening until all ${PBXS * ENDPOINTS} endpoints were read`, value: syncSeconds, unit: 's', baseline: null, baselineValue: null, target: 'none (context)', pass: true }),
  ]);
} finally {
  serve?.kill('SIGKILL');
  await Promise.all(sandboxes.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
}
