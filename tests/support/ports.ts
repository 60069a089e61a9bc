// Ports a test may use: picked by the OS (port 0) on 127.0.0.1, and held by the test when it
// needs them taken. Never a fixed port: other test files and other people run beside us.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';

/** Hold a UDP port on 127.0.0.1 (0: any free one) until release(). */
export function holdUdp(port = 0): Promise<{ port: number; release(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () =>
      resolve({ port: socket.address().port, release: () => new Promise<void>((done) => socket.close(() => done())) }),
    );
  });
}

/** Hold a TCP port on 127.0.0.1 (0: any free one) until release(). */
export function holdTcp(port = 0): Promise<{ port: number; release(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({ port: (server.address() as { port: number }).port, release: () => new Promise<void>((done) => server.close(() => done())) }),
    );
  });
}

/** A UDP and a TCP port that were free a moment ago (picked by the OS, then released). */
export async function freePorts(): Promise<{ sip: number; ami: number }> {
  const udp = await holdUdp();
  const tcp = await holdTcp();
  await udp.release();
  await tcp.release();
  return { sip: udp.port, ami: tcp.port };
}
