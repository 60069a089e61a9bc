// Benchmark (issue 5, item 4): the services process connected to 50 Sandbox PBXs (another
// process) of 1,000 endpoints each, with 100 REGISTERs per second in total arriving as AMI
// events: CPU of the services process, in % of one core, the median of WINDOWS consecutive
// windows (one busy moment of a shared machine then moves the figure less).
import { join } from 'node:path';
import { runChild, startHelper } from './lib/child';
import { profiled } from './lib/profile';
import { BENCH_AMI_USER } from './lib/sandbox-config';
import { percentile, result, writeResults } from './lib/result';
import { benchServices, whenAllLive } from './lib/services';

const PBXS = 50;
const ENDPOINTS = 1_000;
const REGISTERS_PER_SECOND = 100;
const WINDOW_MS = 10_000;
const WINDOWS = 3;
/** Uncounted time under load before the first window, for the services and the floor alike. */
const SETTLE_MS = 10_000;
const TARGET_PERCENT = 5;

const sandboxes = await startHelper<{ ports: number[] }>(join(import.meta.dirname, 'children', 'many-sandboxes.ts'), [String(PBXS), String(ENDPOINTS), String(REGISTERS_PER_SECOND)], 90_000);
const { services, dispose } = await benchServices();
let events = 0;
services.on('endpointRows', () => events++);
const windows: number[] = [];
let rssMb: number;
let floor: { percents: number[]; bytes: number };
try {
  for (const [i, port] of sandboxes.ready.ports.entries()) {
    await services.addPbx({ name: `sandbox-${i + 1}`, host: '127.0.0.1', port, username: BENCH_AMI_USER.name, tls: false }, BENCH_AMI_USER.secret);
  }
  await whenAllLive(services, PBXS * ENDPOINTS, 60_000);
  // Steady state: the 50 syncs' garbage collected and the event path's code optimised first
  // (in a first window right after the syncs the process used 1.5-2x a later one's CPU).
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  events = 0;
  for (let i = 0; i < WINDOWS; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await profiled(`many-pbxs-${i + 1}`, () => new Promise((resolve) => setTimeout(resolve, WINDOW_MS)));
    const used = process.cpuUsage(cpu);
    windows.push(((used.user + used.system) / 1000 / (performance.now() - started)) * 100);
  }
  rssMb = process.memoryUsage().rss / 2 ** 20;
  if (events < ((WINDOWS * WINDOW_MS) / 1000) * REGISTERS_PER_SECOND * 0.5) throw new Error(`only ${events} row diffs in the windows: the load did not arrive`);
  await dispose();
  // The floor, under the same load: the same connections reading and discarding the events.
  floor = await runChild(join(import.meta.dirname, 'children', 'raw-ami-readers.ts'), [sandboxes.ready.ports.join(','), String(SETTLE_MS), String(WINDOW_MS), String(WINDOWS)], SETTLE_MS + WINDOWS * WINDOW_MS + 60_000);
  if (floor.bytes === 0) throw new Error('the raw readers received no events: the load did not arrive');
} finally {
  await dispose();
  await sandboxes.stop();
}
const percent = percentile(windows, 50);
const floorPercent = percentile(floor.percents, 50);
const shown = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');
const what = `${PBXS} PBXs x ${ENDPOINTS} endpoints, ${REGISTERS_PER_SECOND} REGISTER/s in total (${events} row diffs in ${(WINDOWS * WINDOW_MS) / 1000} s)`;
writeResults('many-pbxs', [
  result({
    name: 'many-pbxs',
    metric: `services process CPU, median of ${WINDOWS} windows of ${WINDOW_MS / 1000} s (${shown(windows)}), ${what}`,
    value: percent,
    unit: '% of one core',
    baseline: `the floor: ${PBXS} plain TCP connections in another process, logged in, reading and discarding the same events (median; ${shown(floor.percents)})`,
    baselineValue: floorPercent,
    target: `<= ${TARGET_PERCENT}%`,
    pass: percent <= TARGET_PERCENT,
  }),
  result({ name: 'many-pbxs-rss', metric: `services process RSS, ${what}`, value: rssMb, unit: 'MB', baseline: null, baselineValue: null, target: 'none (context)', pass: true }),
]);
