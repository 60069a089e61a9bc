// Benchmark (issue 5, item 1): cold sync of 10,000 endpoints / 20,000 contacts, served by a
// local AMI server in its own process as fast as the socket takes them. RegDesk's bridge to a
// complete registrar state vs asterisk-manager 0.2.0 turning the same bytes into event objects,
// and raw read-and-discard as the ceiling. Every reader runs in a fresh process, RUNS times;
// the median run counts.
import { join } from 'node:path';
import { runChild, startHelper } from './lib/child';
import { percentile, result, writeResults } from './lib/result';
import type { ColdSyncRun } from './children/cold-sync-client';

const ENDPOINTS = 10_000;
const CONTACTS_PER_AOR = 2;
const RUNS = 5;
const CLIENT = join(import.meta.dirname, 'children', 'cold-sync-client.ts');

const server = await startHelper<{ port: number; items: number }>(join(import.meta.dirname, 'children', 'list-server.ts'), [String(ENDPOINTS), String(CONTACTS_PER_AOR)], 60_000);
const median = (runs: ColdSyncRun[], pick: (r: ColdSyncRun) => number) => percentile(runs.map(pick), 50);
const eventsPerSecond = (r: ColdSyncRun) => r.events / (r.ms / 1000);
const runs: Record<string, ColdSyncRun[]> = { regdesk: [], 'asterisk-manager': [], raw: [] };
try {
  // One uncounted round first: the server renders each reader's answers once (per ActionID length).
  for (const reader of Object.keys(runs)) await runChild<ColdSyncRun>(CLIENT, [reader, String(server.ready.port), String(server.ready.items)], 120_000);
  for (let i = 0; i < RUNS; i++) {
    for (const reader of Object.keys(runs)) {
      runs[reader]!.push(await runChild<ColdSyncRun>(CLIENT, [reader, String(server.ready.port), String(server.ready.items)], 120_000));
    }
  }
} finally {
  await server.stop();
}
const regdesk = median(runs.regdesk!, eventsPerSecond);
const baseline = median(runs['asterisk-manager']!, eventsPerSecond);
const ceiling = median(runs.raw!, eventsPerSecond);
const rss = median(runs.regdesk!, (r) => r.rssMb);
const what = `${ENDPOINTS} endpoints, ${ENDPOINTS * CONTACTS_PER_AOR} contacts, median of ${RUNS}`;
writeResults('cold-sync', [
  result({ name: 'cold-sync', metric: `RegDesk events/s vs asterisk-manager (${what})`, value: regdesk, unit: 'events/s', baseline: 'asterisk-manager 0.2.0', baselineValue: baseline, target: '>= 3x asterisk-manager', pass: regdesk >= 3 * baseline }),
  result({ name: 'cold-sync-state', metric: `events/s into the registrar state (${what})`, value: regdesk, unit: 'events/s', baseline: null, baselineValue: null, target: '>= 100000 events/s', pass: regdesk >= 100_000 }),
  result({ name: 'cold-sync-rss', metric: 'RSS of the syncing process at the end', value: rss, unit: 'MB', baseline: null, baselineValue: null, target: '<= 150 MB', pass: rss <= 150 }),
  result({ name: 'cold-sync-ceiling', metric: 'raw read-and-discard of the same bytes (context)', value: ceiling, unit: 'events/s', baseline: 'RegDesk', baselineValue: regdesk, target: 'none (context)', pass: true }),
]);
