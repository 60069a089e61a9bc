// Benchmark (issue 5, item 2): a FailedACL or ContactStatus written to the AMI socket (by a
// server in another process) until its row diff reaches the services' `endpointRows` event,
// the boundary the renderer (IPC/WebSocket) is fed from, and, for an endpoint's first refusal,
// `refusalAlert`, the notification boundary. 10,000 events at 100/s and at 5,000/s.
import { join } from 'node:path';
import { startHelper } from './lib/child';
import { eventKey, planEvent } from './lib/event-plan';
import { BENCH_AMI_SECRET } from './lib/fake-ami';
import { percentile, result, writeResults, type BenchResult } from './lib/result';
import { benchServices, whenAllLive } from './lib/services';

const ENDPOINTS = 1_000;
const EVENTS = 10_000;
const RATES = [100, 5_000];
const TARGET_P99_MS = 50;
const wallNow = () => performance.timeOrigin + performance.now();

async function measure(rate: number): Promise<BenchResult[]> {
  const server = await startHelper<{ port: number }>(join(import.meta.dirname, 'children', 'event-server.ts'), [String(ENDPOINTS), String(rate), String(EVENTS)], 60_000);
  const { services, dispose } = await benchServices();
  const rowAt = new Map<string, number>();
  const alertAt = new Map<string, number>();
  const changes = new Map<string, number>();
  let measuring = false;
  try {
    services.on('endpointRows', (diff) => {
      if (!measuring) return;
      const at = wallNow();
      for (const row of diff.upserted) {
        const seq = (changes.get(row.endpoint) ?? 0) + 1;
        changes.set(row.endpoint, seq);
        rowAt.set(eventKey(row.endpoint, seq), at);
      }
    });
    services.on('refusalAlert', (alert) => alertAt.set(alert.endpoint, wallNow()));
    await services.addPbx({ name: 'bench', host: '127.0.0.1', port: server.ready.port, username: 'bench', tls: false }, BENCH_AMI_SECRET);
    await whenAllLive(services, ENDPOINTS, 30_000);
    measuring = true;
    const { sentAt } = await server.nextReport<{ sentAt: number[] }>((EVENTS / rate) * 1000 + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rows: number[] = [];
    const alerts: number[] = [];
    sentAt.forEach((sent, i) => {
      const e = planEvent(i, ENDPOINTS);
      const reached = rowAt.get(eventKey(e.endpoint, e.seq));
      if (reached === undefined) throw new Error(`event ${i} (${e.kind} ${e.endpoint} #${e.seq}) never reached endpointRows`);
      rows.push(reached - sent);
      if (e.kind === 'refused' && e.seq === 1) {
        const alerted = alertAt.get(e.endpoint);
        if (alerted === undefined) throw new Error(`the first refusal of ${e.endpoint} gave no refusalAlert`);
        alerts.push(alerted - sent);
      }
    });
    // The target is on p99; p50 is reported for context.
    const figure = (name: string, metric: string, values: number[], p: 50 | 99) =>
      result({ name, metric, value: percentile(values, p), unit: 'ms', baseline: null, baselineValue: null, target: p === 99 ? `<= ${TARGET_P99_MS} ms` : 'none (context)', pass: p === 50 || percentile(values, 99) <= TARGET_P99_MS });
    const what = `${EVENTS} events (FailedACL + ContactStatus) at ${rate}/s, ${ENDPOINTS} endpoints`;
    return [
      figure(`event-path-${rate}`, `p99 socket write to endpointRows, ${what}`, rows, 99),
      figure(`event-path-${rate}-p50`, `p50 socket write to endpointRows, ${what}`, rows, 50),
      figure(`event-path-${rate}-alert`, `p99 socket write to refusalAlert (first refusal of each of ${alerts.length} endpoints)`, alerts, 99),
    ];
  } finally {
    await dispose();
    await server.stop();
  }
}

const results: BenchResult[] = [];
for (const rate of RATES) results.push(...(await measure(rate)));
writeResults('event-path', results);
