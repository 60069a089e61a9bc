// Benchmark (issue 5, item 4): the services process connected to 50 Sandbox PBXs (another
// process) of 1,000 endpoints each, with AMI events arriving from REGISTERs of real SIP phones:
// CPU of the services process, in % of one core, the median of WINDOWS consecutive windows (one
// busy moment of a shared machine then moves the figure less). Two loads, each against its own
// floor: the issue's, 100 AMI events/s in total (`many-pbxs`), and 100 REGISTERs/s, about four
// times as many events (`many-pbxs-100-registers`, context).
import { join } from 'node:path';
import { runChild, startHelper } from './lib/child';
import { profiled } from './lib/profile';
import { BENCH_AMI_USER } from './lib/sandbox-config';
import { percentile, result, writeResults, type BenchResult } from './lib/result';
import { benchServices, whenAllLive } from './lib/services';

const PBXS = 50;
const ENDPOINTS = 1_000;
/**
 * REGISTERs per second for the issue's 100 AMI events/s: each REGISTER raises four events
 * (ChallengeSent, SuccessfulAuth, ContactStatus and PeerStatus). The floor counts the events
 * that arrived, and the run fails if they are not within 20% of the aim.
 */
const ISSUE_LOAD = { registersPerSecond: 25, eventsPerSecond: 100 };
const HEAVY_REGISTERS_PER_SECOND = 100;
const WINDOW_MS = 10_000;
const WINDOWS = 3;
/**
 * Uncounted time under load before the services' first window: the 50 syncs' garbage collected
 * and the event path optimised. At 100 events/s V8 is still compiling it (TurboFan, on other
 * threads, counted in the process's CPU) 20 s in; after 10 s the first window used 1.5-2x a
 * later one's CPU.
 */
const SETTLE_MS = 30_000;
/** The floor's settling time: its only code is a data callback, optimised within a second. */
const FLOOR_SETTLE_MS = 10_000;
const TARGET_PERCENT = 5;

interface Measured {
  windows: number[];
  rssMb: number;
  rowDiffs: number;
  floor: { percents: number[]; events: number };
}

/** The services and then the floor, each under the same load of `registersPerSecond`. */
async function measure(registersPerSecond: number, label: string): Promise<Measured> {
  const sandboxes = await startHelper<{ ports: number[] }>(join(import.meta.dirname, 'children', 'many-sandboxes.ts'), [String(PBXS), String(ENDPOINTS), String(registersPerSecond)], 90_000);
  const { services, dispose } = await benchServices();
  let rowDiffs = 0;
  services.on('endpointRows', () => rowDiffs++);
  try {
    for (const [i, port] of sandboxes.ready.ports.entries()) {
      await services.addPbx({ name: `sandbox-${i + 1}`, host: '127.0.0.1', port, username: BENCH_AMI_USER.name, tls: false }, BENCH_AMI_USER.secret);
    }
    await whenAllLive(services, PBXS * ENDPOINTS, 60_000);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    rowDiffs = 0;
    const windows: number[] = [];
    for (let i = 0; i < WINDOWS; i++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await profiled(`${label}-${i + 1}`, () => new Promise((resolve) => setTimeout(resolve, WINDOW_MS)));
      const used = process.cpuUsage(cpu);
      windows.push(((used.user + used.system) / 1000 / (performance.now() - started)) * 100);
    }
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    if (rowDiffs < ((WINDOWS * WINDOW_MS) / 1000) * registersPerSecond * 0.5) throw new Error(`only ${rowDiffs} row diffs in the windows: the load did not arrive`);
    await dispose();
    // The floor, under the same load: the same connections reading and discarding the events.
    const floor = await runChild<Measured['floor']>(join(import.meta.dirname, 'children', 'raw-ami-readers.ts'), [sandboxes.ready.ports.join(','), String(FLOOR_SETTLE_MS), String(WINDOW_MS), String(WINDOWS)], FLOOR_SETTLE_MS + WINDOWS * WINDOW_MS + 60_000);
    if (floor.events === 0) throw new Error('the raw readers received no events: the load did not arrive');
    return { windows, rssMb, rowDiffs, floor };
  } finally {
    await dispose();
    await sandboxes.stop();
  }
}

const shown = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');
const eventsPerSecond = (m: Measured) => m.floor.events / ((WINDOWS * WINDOW_MS) / 1000);

function results(name: string, registersPerSecond: number, m: Measured, target: string, pass: (percent: number) => boolean): BenchResult[] {
  const percent = percentile(m.windows, 50);
  const what = `${PBXS} PBXs x ${ENDPOINTS} endpoints, ${registersPerSecond} REGISTER/s in total giving ${Math.round(eventsPerSecond(m))} AMI events/s (counted by the floor; ${m.rowDiffs} row diffs in ${(WINDOWS * WINDOW_MS) / 1000} s)`;
  return [
    result({
      name,
      metric: `services process CPU, median of ${WINDOWS} windows of ${WINDOW_MS / 1000} s (${shown(m.windows)}), ${what}`,
      value: percent,
      unit: '% of one core',
      baseline: `the floor: ${PBXS} plain TCP connections in another process, logged in, reading and discarding the same events (median; ${shown(m.floor.percents)})`,
      baselineValue: percentile(m.floor.percents, 50),
      target,
      pass: pass(percent),
    }),
    result({ name: `${name}-rss`, metric: `services process RSS, ${what}`, value: m.rssMb, unit: 'MB', baseline: null, baselineValue: null, target: 'none (context)', pass: true }),
  ];
}

const issueLoad = await measure(ISSUE_LOAD.registersPerSecond, 'many-pbxs');
const measuredRate = eventsPerSecond(issueLoad);
if (Math.abs(measuredRate / ISSUE_LOAD.eventsPerSecond - 1) > 0.2) {
  throw new Error(`${ISSUE_LOAD.registersPerSecond} REGISTER/s gave ${measuredRate.toFixed(0)} AMI events/s, not about ${ISSUE_LOAD.eventsPerSecond}: adjust ISSUE_LOAD`);
}
const heavyLoad = await measure(HEAVY_REGISTERS_PER_SECOND, 'many-pbxs-100-registers');
writeResults('many-pbxs', [
  ...results('many-pbxs', ISSUE_LOAD.registersPerSecond, issueLoad, `<= ${TARGET_PERCENT}% at ${ISSUE_LOAD.eventsPerSecond} events/s`, (percent) => percent <= TARGET_PERCENT),
  ...results('many-pbxs-100-registers', HEAVY_REGISTERS_PER_SECOND, heavyLoad, `context: the issue's ${TARGET_PERCENT}% at about 4x its load`, () => true),
]);
