// Child: one cold sync of the list server's three PJSIPShow* answers by one reader, timed
// from connect to the last list's Complete: RegDesk (PbxSession to a complete RegistrarState),
// asterisk-manager 0.2.0 (to its event objects), or raw (read and discard: the ceiling).
import { connect } from 'node:net';
import Manager from 'asterisk-manager';
import { PbxSession } from '../../src-main/ami/session';
import { report } from '../lib/child';
import { BENCH_AMI_SECRET } from '../lib/fake-ami';

export interface ColdSyncRun {
  reader: string;
  /** List events read: items plus the three *Complete events. */
  events: number;
  ms: number;
  rssMb: number;
}

const LISTS = ['PJSIPShowEndpoints', 'PJSIPShowAors', 'PJSIPShowContacts'] as const;
const [reader = '', portArg = '', itemsArg = ''] = process.argv.slice(2);
const port = Number(portArg);
const items = Number(itemsArg);
const USER = 'bench';

async function regdesk(): Promise<number> {
  const session = PbxSession.start({ host: '127.0.0.1', port, username: USER, secret: BENCH_AMI_SECRET, retry: false, securityProbeMs: 60_000 });
  await session.whenLive(60_000);
  const state = session.state();
  const snapshot = state?.snapshot();
  const read = (snapshot?.endpoints.length ?? 0) + (snapshot?.aors.length ?? 0) + (snapshot?.contacts.length ?? 0);
  if (read !== items) throw new Error(`RegDesk's state holds ${read} objects, the server listed ${items}`);
  void session.close();
  return read + LISTS.length;
}

function asteriskManager(): Promise<number> {
  return new Promise((resolve, reject) => {
    const ami = new Manager(port, '127.0.0.1', USER, BENCH_AMI_SECRET, true);
    let events = 0;
    let next = 0;
    const ask = () => ami.action({ action: LISTS[next++]! });
    ami.on('error', reject);
    ami.on('managerevent', (e) => {
      if (!e.event?.endsWith('List') && !e.event?.endsWith('ListComplete')) return;
      events++;
      if (!e.event.endsWith('Complete')) return;
      if (next < LISTS.length) return void ask();
      ami.disconnect();
      resolve(events);
    });
    ask();
  });
}

function raw(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let tail = '';
    let next = 0;
    const ask = () => socket.write(`Action: ${LISTS[next++]!}\r\nActionID: raw-${next}\r\n\r\n`);
    socket.on('error', reject);
    socket.once('data', () => {
      socket.write(`Action: Login\r\nUsername: ${USER}\r\nSecret: ${BENCH_AMI_SECRET}\r\nEvents: off\r\nActionID: raw-0\r\n\r\n`);
      socket.once('data', () => {
        ask();
        socket.on('data', (chunk: Buffer) => {
          // Only the last bytes are looked at: is the list's Complete event the end of what came?
          tail = (tail + chunk.toString('latin1', Math.max(0, chunk.length - 64))).slice(-64);
          if (!tail.endsWith('\r\n\r\n') || !/EventList: Complete\r\nListItems: \d+\r\n\r\n$/.test(tail)) return;
          tail = '';
          if (next < LISTS.length) return void ask();
          socket.destroy();
          resolve(items + LISTS.length);
        });
      });
    });
  });
}

const readers: Record<string, () => Promise<number>> = { regdesk, 'asterisk-manager': asteriskManager, raw };
const run = readers[reader];
if (!run) throw new Error(`unknown reader ${reader}; one of ${Object.keys(readers).join(', ')}`);
const started = performance.now();
const events = await run();
const ms = performance.now() - started;
report({ reader, events, ms, rssMb: process.memoryUsage().rss / 2 ** 20 } satisfies ColdSyncRun);
process.exit(0);
