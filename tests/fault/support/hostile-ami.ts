// Hostile AMI peers for fault tests (127.0.0.1, port 0): each connection is handed to a
// behaviour that decides what the "server" writes and when. Timers it starts are cleared and
// sockets destroyed on close(), so no test leaves anything running.
import { createServer, type Socket } from 'node:net';

export interface HostileContext {
  socket: Socket;
  /** setInterval that stops when the socket closes or the server is closed. */
  every(ms: number, fn: () => void): void;
  /** Calls `fn` with each complete action block the client sent (text up to the empty line). */
  onAction(fn: (action: string, actionId: string) => void): void;
}

export interface HostileAmi {
  port: number;
  /** Bytes written to clients so far. */
  readonly written: number;
  close(): Promise<void>;
}

export const BANNER = 'Asterisk Call Manager/11.0.0\r\n';

export function startHostileAmi(behaviour: (ctx: HostileContext) => void): Promise<HostileAmi> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let written = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    const own = new Set<NodeJS.Timeout>();
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      for (const t of own) {
        clearInterval(t);
        timers.delete(t);
      }
    });
    const write = socket.write.bind(socket);
    socket.write = ((data: string | Uint8Array, ...rest: never[]) => {
      written += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      return write(data, ...rest);
    }) as typeof socket.write;
    let pending = '';
    behaviour({
      socket,
      every(ms, fn) {
        const t = setInterval(() => {
          if (socket.destroyed) return;
          fn();
        }, ms);
        own.add(t);
        timers.add(t);
      },
      onAction(fn) {
        socket.on('data', (chunk: Buffer) => {
          pending += chunk.toString('utf8');
          let end: number;
          while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
            const block = pending.slice(0, end);
            pending = pending.slice(end + 4);
            fn(/^Action: (.*)$/im.exec(block)?.[1] ?? '', /^ActionID: (.*)$/im.exec(block)?.[1] ?? '');
          }
        });
      },
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('hostile AMI: no TCP address');
      resolve({
        port: address.port,
        get written() {
          return written;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearInterval(t);
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Answer Login with success at once (what a hostile peer does before misbehaving). */
export function acceptLogin(ctx: HostileContext, then: (action: string, actionId: string) => void): void {
  ctx.socket.write(BANNER);
  ctx.onAction((action, id) => {
    if (action.toLowerCase() === 'login') ctx.socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`);
    else then(action, id);
  });
}
