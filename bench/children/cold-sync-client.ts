// Child: `<syncs>` full syncs, one after another, of the list server's three PJSIPShow*
// answers by one reader, each on a new connection and timed from connect to the last list's
// Complete: RegDesk (PbxSession to a complete RegistrarState), asterisk-manager 0.2.0 (to its
// event objects), raw (read and discard: the ceiling), or regdesk-ssh (RegDesk through a local
// sshd, whose options come in BENCH_SSH as JSON: the SSH login is part of each timed sync, as a
// reconnect pays it). The first sync runs on code the
// process has never run (an app's first sync after start); the later ones on warm code (a
// resync after a reconnect, or a second PBX). RSS is read after the first sync.
import { connect } from 'node:net';
import Manager from 'asterisk-manager';
import { PbxSession } from '../../src-main/ami/session';
import type { AmiSshOptions } from '../../src-main/ami/ssh-tunnel';
import { report } from '../lib/child';
import { profiled } from '../lib/profile';
import { BENCH_AMI_SECRET } from '../lib/fake-ami';

export interface ColdSyncRun {
  reader: string;
  /** List events read per sync: items plus the three *Complete events. */
  events: number;
  /** Each sync's time, in order. */
  ms: number[];
  /** After the first sync. */
  rssMb: number;
}

const LISTS = ['PJSIPShowEndpoints', 'PJSIPShowAors', 'PJSIPShowContacts'] as const;
const [reader = '', portArg = '', itemsArg = '', syncsArg = '1'] = process.argv.slice(2);
const port = Number(portArg);
const items = Number(itemsArg);
const USER = 'bench';

async function regdesk(ssh: AmiSshOptions | null = null): Promise<number> {
  const session = PbxSession.start({ host: '127.0.0.1', port, username: USER, secret: BENCH_AMI_SECRET, retry: false, securityProbeMs: 60_000, ssh });
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
    let completes = 0;
    ami.on('error', reject);
    ami.on('managerevent', (e) => {
      if (!e.event?.endsWith('List') && !e.event?.endsWith('ListComplete')) return;
      events++;
      if (e.event.endsWith('Complete') && ++completes === LISTS.length) {
        ami.disconnect();
        resolve(events);
      }
    });
    // All three at once, as RegDesk's sync sends them: Asterisk answers them in order. Ids of
    // our own, fixed as RegDesk's are, so that the server has each answer ready for both.
    LISTS.forEach((action, i) => ami.action({ action, actionid: `AM-${i + 1}` }));
  });
}

function raw(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const COMPLETE = Buffer.from('EventList: Complete\r\n');
    let carry: Buffer = Buffer.alloc(0);
    let completes = 0;
    socket.on('error', reject);
    socket.once('data', () => {
      socket.write(`Action: Login\r\nUsername: ${USER}\r\nSecret: ${BENCH_AMI_SECRET}\r\nEvents: off\r\nActionID: raw-0\r\n\r\n`);
      socket.once('data', () => {
        socket.write(LISTS.map((action, i) => `Action: ${action}\r\nActionID: raw-${i + 1}\r\n\r\n`).join(''));
        socket.on('data', (chunk: Buffer) => {
          // Read and discard; only count the lists' ends (memmem), and one split across two chunks.
          const seam = Buffer.concat([carry, chunk.subarray(0, COMPLETE.length - 1)]);
          if (seam.indexOf(COMPLETE) !== -1) completes++;
          for (let at = chunk.indexOf(COMPLETE); at !== -1; at = chunk.indexOf(COMPLETE, at + 1)) completes++;
          carry = chunk.subarray(Math.max(0, chunk.length - COMPLETE.length + 1));
          if (completes < LISTS.length) return;
          socket.destroy();
          resolve(items + LISTS.length);
        });
      });
    });
  });
}

const regdeskSsh = (): Promise<number> => regdesk(JSON.parse(process.env.BENCH_SSH ?? 'null') as AmiSshOptions);

const readers: Record<string, () => Promise<number>> = { regdesk: () => regdesk(), 'asterisk-manager': asteriskManager, raw, 'regdesk-ssh': regdeskSsh };
const run = readers[reader];
if (!run) throw new Error(`unknown reader ${reader}; one of ${Object.keys(readers).join(', ')}`);
const times: number[] = [];
let events = 0;
let rssMb = 0;
for (let i = 0; i < Number(syncsArg); i++) {
  const started = performance.now();
  events = await profiled(`cold-sync-${reader}-${i + 1}`, run);
  times.push(performance.now() - started);
  if (i === 0) rssMb = process.memoryUsage().rss / 2 ** 20;
}
report({ reader, events, ms: times, rssMb } satisfies ColdSyncRun);
process.exit(0);
