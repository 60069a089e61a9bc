// A raw AMI client for the tests: a real TCP socket, the banner, every message as the exact
// text received, and bounded waits.
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface RawClient {
  readonly socket: Socket;
  readonly banner: Promise<string>;
  /** Complete messages received so far (each ends with its blank line). */
  readonly messages: string[];
  readonly closed: Promise<void>;
  send(text: string): void;
  /** Resolves with the first message (from `from` on) matching, or rejects after `ms`. */
  waitFor(match: (m: string) => boolean, ms?: number, from?: number): Promise<string>;
  login(user: string, secret: string, events?: string): Promise<string>;
  close(): void;
}

export async function rawClient(port: number, host = '127.0.0.1'): Promise<RawClient> {
  const socket = connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const messages: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let resolveBanner: (b: string) => void = () => {};
  const banner = new Promise<string>((r) => (resolveBanner = r));
  let gotBanner = false;
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    buffer += text;
    if (!gotBanner) {
      const eol = buffer.indexOf('\r\n');
      if (eol === -1) return;
      gotBanner = true;
      resolveBanner(buffer.slice(0, eol + 2));
      buffer = buffer.slice(eol + 2);
    }
    for (let end = buffer.indexOf('\r\n\r\n'); end !== -1; end = buffer.indexOf('\r\n\r\n')) {
      messages.push(buffer.slice(0, end + 4));
      buffer = buffer.slice(end + 4);
    }
    for (const w of waiters) w();
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const waitFor = (match: (m: string) => boolean, ms = 5000, from = 0): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = messages.slice(from).find(match);
        if (found !== undefined) {
          done();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching AMI message within ${ms} ms; got:\n${messages.join('')}`));
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  let sequence = 0;
  return {
    socket,
    banner,
    messages,
    closed,
    send: (text) => void socket.write(text),
    waitFor,
    async login(user, secret, events = 'on') {
      const id = `login-${++sequence}`;
      const from = messages.length;
      socket.write(`Action: Login\r\nUsername: ${user}\r\nSecret: ${secret}\r\nEvents: ${events}\r\nActionID: ${id}\r\n\r\n`);
      return waitFor((m) => m.includes(`ActionID: ${id}\r\n`), 5000, from);
    },
    close: () => socket.destroy(),
  };
}
