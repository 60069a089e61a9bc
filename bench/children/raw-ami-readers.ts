// Child: the floor of the many-PBXs benchmark. One plain TCP connection per port, logged in
// for the event classes RegDesk asks for, reading and discarding everything; after `<settleMs>`
// under load, its own CPU over `<windows>` consecutive windows of `<windowMs>`, each reported in
// % of one core. What any AMI client pays for the same event stream (socket reads, the kernel's
// loopback work, the runtime) before parsing a byte.
import { connect, type Socket } from 'node:net';
import { REGISTRAR_EVENT_CLASSES } from '../../src-main/ami/connection';
import { report } from '../lib/child';
import { BENCH_AMI_USER } from '../lib/sandbox-config';

const [portsArg = '', settleArg = '10000', windowArg = '10000', windowsArg = '1'] = process.argv.slice(2);
const ports = portsArg.split(',').map(Number);
const windowMs = Number(windowArg);

function loggedIn(port: number): Promise<{ socket: Socket; bytes: () => number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let bytes = 0;
    socket.once('error', reject);
    socket.once('data', () => {
      socket.write(`Action: Login\r\nUsername: ${BENCH_AMI_USER.name}\r\nSecret: ${BENCH_AMI_USER.secret}\r\nEvents: ${REGISTRAR_EVENT_CLASSES}\r\nActionID: raw-1\r\n\r\n`);
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
      resolve({ socket, bytes: () => bytes });
    });
  });
}

const connections = await Promise.all(ports.map(loggedIn));
await new Promise((resolve) => setTimeout(resolve, Number(settleArg)));
const before = connections.reduce((n, c) => n + c.bytes(), 0);
const percents: number[] = [];
for (let i = 0; i < Number(windowsArg); i++) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const used = process.cpuUsage(cpu);
  percents.push(((used.user + used.system) / 1000 / (performance.now() - started)) * 100);
}
const bytes = connections.reduce((n, c) => n + c.bytes(), 0) - before;
for (const c of connections) c.socket.destroy();
report({ percents, bytes });
