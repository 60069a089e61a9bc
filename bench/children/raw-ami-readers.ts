// Child: the floor of the many-PBXs benchmark. One plain TCP connection per port, logged in
// for the event classes RegDesk asks for, reading and discarding everything; after `<settleMs>`
// under load, its own CPU over `<windows>` consecutive windows of `<windowMs>`, each reported in
// % of one core. What any AMI client pays for the same event stream (socket reads, the kernel's
// loopback work, the runtime) before parsing a byte. It also counts the events in the windows
// (a byte search for the Event header, nothing parsed), so the benchmark states the load it
// measured rather than the one it meant to send.
import { connect, type Socket } from 'node:net';
import { REGISTRAR_EVENT_CLASSES } from '../../src-main/ami/connection';
import { report } from '../lib/child';
import { BENCH_AMI_USER } from '../lib/sandbox-config';

const [portsArg = '', settleArg = '10000', windowArg = '10000', windowsArg = '1'] = process.argv.slice(2);
const ports = portsArg.split(',').map(Number);
const windowMs = Number(windowArg);

/** Every AMI event starts on a line of its own with this header (after the previous message's blank line). */
const EVENT_HEADER = Buffer.from('\nEvent: ');

interface Reader {
  socket: Socket;
  events: number;
}

function loggedIn(port: number): Promise<Reader> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const reader: Reader = { socket, events: 0 };
    // The last bytes of the previous chunk, for a header split between two reads.
    let tail: Buffer = Buffer.alloc(0);
    socket.once('error', reject);
    socket.once('data', () => {
      socket.write(`Action: Login\r\nUsername: ${BENCH_AMI_USER.name}\r\nSecret: ${BENCH_AMI_USER.secret}\r\nEvents: ${REGISTRAR_EVENT_CLASSES}\r\nActionID: raw-1\r\n\r\n`);
      socket.on('data', (chunk: Buffer) => {
        const seam = Buffer.concat([tail, chunk.subarray(0, EVENT_HEADER.length - 1)]);
        if (seam.indexOf(EVENT_HEADER) !== -1) reader.events++;
        for (let at = chunk.indexOf(EVENT_HEADER); at !== -1; at = chunk.indexOf(EVENT_HEADER, at + 1)) reader.events++;
        tail = chunk.subarray(Math.max(0, chunk.length - (EVENT_HEADER.length - 1)));
      });
      resolve(reader);
    });
  });
}

const connections = await Promise.all(ports.map(loggedIn));
await new Promise((resolve) => setTimeout(resolve, Number(settleArg)));
const events = () => connections.reduce((n, c) => n + c.events, 0);
const before = events();
const percents: number[] = [];
for (let i = 0; i < Number(windowsArg); i++) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const used = process.cpuUsage(cpu);
  percents.push(((used.user + used.system) / 1000 / (performance.now() - started)) * 100);
}
const counted = events() - before;
for (const c of connections) c.socket.destroy();
report({ percents, events: counted });
