// A minimal AMI server for benchmarks (127.0.0.1, port 0): the recorded banner, Login and
// Logoff answered as Asterisk 22 answers them, the three PJSIPShow* lists from generated
// answers written as fast as the socket takes them, and whatever events the benchmark pushes.
import { createServer, type Socket } from 'node:net';
import { AmiReader } from '../../src-main/ami/reader';
import type { ListAnswers } from './pjsip-lists';

export interface FakeAmi {
  port: number;
  /** Logged-in connections. */
  readonly sessions: number;
  /** Write `bytes` to every logged-in connection. */
  broadcast(bytes: string | Buffer): void;
  close(): Promise<void>;
}

/** The secret the fake server accepts at Login (any user name). */
export const BENCH_AMI_SECRET = 'bench-secret';

const BANNER = 'Asterisk Call Manager/11.0.0\r\n';

export function startFakeAmi(lists: ListAnswers, secret: string): Promise<FakeAmi> {
  const loggedIn = new Set<Socket>();
  const all = new Set<Socket>();
  const server = createServer((socket) => {
    all.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      all.delete(socket);
      loggedIn.delete(socket);
    });
    const reader = new AmiReader({}, { expectBanner: false });
    socket.on('data', (chunk: Buffer) =>
      reader.feed(chunk, (out) => {
        if (out.kind !== 'message') return;
        const m = out.message;
        const action = m.get('Action')?.toLowerCase() ?? '';
        const id = m.actionId ?? '';
        if (action === 'login') {
          const ok = m.get('Secret') === secret;
          socket.write(`Response: ${ok ? 'Success' : 'Error'}\r\nActionID: ${id}\r\nMessage: Authentication ${ok ? 'accepted' : 'failed'}\r\n\r\n`);
          if (ok) loggedIn.add(socket);
          else socket.end();
          return;
        }
        if (action === 'logoff') {
          socket.end(`Response: Goodbye\r\nActionID: ${id}\r\nMessage: Thanks for all the fish.\r\n\r\n`);
          return;
        }
        const name = m.get('Action') ?? '';
        const answer = lists.answer(name, id);
        socket.write(answer ?? `Response: Error\r\nActionID: ${id}\r\nMessage: Invalid/unknown command: ${name}. Use Action: ListCommands to show available commands.\r\n\r\n`);
      }),
    );
    socket.write(BANNER);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('fake AMI: no TCP address');
      resolve({
        port: address.port,
        get sessions() {
          return loggedIn.size;
        },
        broadcast(bytes) {
          for (const s of loggedIn) s.write(bytes);
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of all) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

