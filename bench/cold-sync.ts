// Benchmark (issue 5, item 1): cold sync of 10,000 endpoints / 20,000 contacts, served by a
// local AMI server in its own process as fast as the socket takes them. RegDesk's bridge to a
// complete registrar state vs asterisk-manager 0.2.0 turning the same bytes into event objects,
// and raw read-and-discard as the ceiling. Each reader runs in RUNS fresh processes of SYNCS
// full syncs each, on a new connection every time, interleaved with the other readers:
// - the first sync of a process runs code the process has never run (what an app's first sync
//   after start costs, JIT compilation included): the `-first` results;
// - the later ones run warm code (a resync after a reconnect, another PBX): the headline
//   results, as throughput is measured. Both are judged against the same targets.
// cold-sync-ssh: RegDesk's same sync through a local OpenSSH server (tests/support/sshd.ts:
// Debian's sshd on 127.0.0.1, throwaway keys) to the same AMI server, interleaved with the
// others; target 50,000 events/s (twice the rate a real Asterisk emits a contact list at), and
// its ratio to RegDesk over direct TCP in the same run.
import { join } from 'node:path';
import { runChild, startHelper } from './lib/child';
import { percentile, result, writeResults, type BenchResult } from './lib/result';
import type { ColdSyncRun } from './children/cold-sync-client';
import { canRunSshd, sshOptionsFor, startSshd } from '../tests/support/sshd';

const ENDPOINTS = 10_000;
const CONTACTS_PER_AOR = 2;
const RUNS = 5;
const SYNCS = 4;
const CLIENT = join(import.meta.dirname, 'children', 'cold-sync-client.ts');
const READERS = ['regdesk', 'asterisk-manager', 'raw', 'regdesk-ssh'] as const;
type Reader = (typeof READERS)[number];

if (!canRunSshd()) throw new Error('cold-sync-ssh needs sshd as root (Debian openssh-server)');
const sshd = await startSshd();
process.env.BENCH_SSH = JSON.stringify(sshOptionsFor(sshd)); // read by the regdesk-ssh children
const server = await startHelper<{ port: number; items: number }>(join(import.meta.dirname, 'children', 'list-server.ts'), [String(ENDPOINTS), String(CONTACTS_PER_AOR)], 60_000);
const sync = (reader: Reader, syncs: number) => runChild<ColdSyncRun>(CLIENT, [reader, String(server.ready.port), String(server.ready.items), String(syncs)], 180_000);
const runs: Record<Reader, ColdSyncRun[]> = { regdesk: [], 'asterisk-manager': [], raw: [], 'regdesk-ssh': [] };
try {
  // One uncounted round first: the server renders each reader's answers once (per ActionID).
  for (const reader of READERS) await sync(reader, 1);
  for (let i = 0; i < RUNS; i++) for (const reader of READERS) runs[reader].push(await sync(reader, SYNCS));
} finally {
  await server.stop();
  await sshd.stop();
}
const perSecond = (r: ColdSyncRun, ms: number) => r.events / (ms / 1000);
/** Median events/s of the first syncs, or of all the later ones. */
const first = (reader: Reader) => percentile(runs[reader].map((r) => perSecond(r, r.ms[0]!)), 50);
const warm = (reader: Reader) => percentile(runs[reader].flatMap((r) => r.ms.slice(1).map((ms) => perSecond(r, ms))), 50);
const rss = percentile(runs.regdesk.map((r) => r.rssMb), 50);
const what = `${ENDPOINTS} endpoints, ${ENDPOINTS * CONTACTS_PER_AOR} contacts`;
const warmWhat = `${what}, warm code: median of syncs 2-${SYNCS} in ${RUNS} processes`;
const firstWhat = `${what}, first sync of a fresh process: median of ${RUNS}`;

function judged(name: string, metric: string, regdesk: number, manager: number): BenchResult[] {
  return [
    result({ name, metric: `RegDesk events/s vs asterisk-manager (${metric})`, value: regdesk, unit: 'events/s', baseline: 'asterisk-manager 0.2.0', baselineValue: manager, target: '>= 3x asterisk-manager', pass: regdesk >= 3 * manager }),
    result({ name: `${name}-state`, metric: `events/s into the registrar state (${metric})`, value: regdesk, unit: 'events/s', baseline: null, baselineValue: null, target: '>= 100000 events/s', pass: regdesk >= 100_000 }),
  ];
}

writeResults('cold-sync', [
  ...judged('cold-sync', warmWhat, warm('regdesk'), warm('asterisk-manager')),
  ...judged('cold-sync-first', firstWhat, first('regdesk'), first('asterisk-manager')),
  result({ name: 'cold-sync-rss', metric: 'RSS of the syncing process after its first sync', value: rss, unit: 'MB', baseline: null, baselineValue: null, target: '<= 150 MB', pass: rss <= 150 }),
  result({ name: 'cold-sync-ssh', metric: `RegDesk through a local sshd (direct-tcpip channel), events/s into the registrar state (${warmWhat})`, value: warm('regdesk-ssh'), unit: 'events/s', baseline: 'RegDesk over direct TCP', baselineValue: warm('regdesk'), target: '>= 50000 events/s', pass: warm('regdesk-ssh') >= 50_000 }),
  result({ name: 'cold-sync-ssh-first', metric: `RegDesk through a local sshd, first sync of a fresh process (${firstWhat})`, value: first('regdesk-ssh'), unit: 'events/s', baseline: 'RegDesk over direct TCP, first sync', baselineValue: first('regdesk'), target: '>= 50000 events/s', pass: first('regdesk-ssh') >= 50_000 }),
  result({ name: 'cold-sync-ceiling', metric: `raw read-and-discard of the same bytes (context; ${warmWhat})`, value: warm('raw'), unit: 'events/s', baseline: 'RegDesk', baselineValue: warm('regdesk'), target: 'none (context)', pass: true }),
]);
