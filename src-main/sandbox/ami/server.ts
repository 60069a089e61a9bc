// The Sandbox PBX's AMI server on TCP, or TLS (manager.conf tlsenable): the banner, one
// AmiSession per connection, the PBX's events fanned out to every session, and the limits
// main/manager.c puts on peers: at most 50 connections not yet logged in (authlimit), 30 s to
// log in (authtimeout), and a session whose peer stops reading is dropped after the write
// timeout (100 ms per write in Asterisk) instead of buffering without bound.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { unmapped } from './acl';
import { ACTIONS } from './actions/table';
import { AmiInputParser } from './input';
import type { AmiEventOut, PbxView } from './pbx-view';
import { AmiSession } from './session';

export interface AmiServerOptions {
  pbx: PbxView;
  /** 0 or omitted: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  bind?: string;
  /** AMI over TLS (manager.conf tlscertfile / tlsprivatekey, PEM); omitted: plain TCP. */
  tls?: AmiServerTls;
  /** Default 1000 (action_login's sleep(1)). */
  authFailureDelayMs?: number;
  /** Default 30000 (manager.conf authtimeout). */
  authTimeoutMs?: number;
  /** Default 50 (manager.conf authlimit). */
  authLimit?: number;
  /** Default 100 (manager.conf writetimeout). */
  writeTimeoutMs?: number;
  /** Epoch ms; give the PBX's clock when it has one (Date.now by default). */
  clock?: () => number;
  /** Where a dropped session is reported; a Node process warning by default (tests capture it). */
  warn?: (line: string) => void;
}

export interface AmiServerTls {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface AmiServer {
  address: string;
  port: number;
  tls: boolean;
  close(): Promise<void>;
}

const WRITE_SLICE = 64 * 1024;

/** Beyond this much unsent output a session is dropped whatever the timing. */
const MAX_PENDING_OUTPUT = 64 * 1024 * 1024;

export function startAmiServer(opts: AmiServerOptions): Promise<AmiServer> {
  const authFailureDelayMs = opts.authFailureDelayMs ?? 1000;
  const authTimeoutMs = opts.authTimeoutMs ?? 30_000;
  const authLimit = opts.authLimit ?? 50;
  const writeTimeoutMs = opts.writeTimeoutMs ?? 100;
  const sessions = new Map<Socket, AmiSession>();
  const timers = new Set<NodeJS.Timeout>();

  const schedule = (fn: () => void, ms: number): NodeJS.Timeout => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };
  const broadcast = (e: AmiEventOut): void => {
    for (const session of sessions.values()) session.deliver(e);
  };
  const unsubscribe = opts.pbx.onAmiEvent(broadcast);

  const onConnection = (socket: Socket): void => {
    const unauthenticated = [...sessions.values()].filter((s) => !s.authenticated).length;
    if (unauthenticated >= authLimit) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const watchdog = writeWatchdog(socket, writeTimeoutMs);
    const session = new AmiSession(
      {
        pbx: opts.pbx,
        actions: ACTIONS,
        now: opts.clock ?? Date.now,
        write: (text) => {
          if (socket.destroyed || socket.writableEnded) return;
          // In slices, so that the watchdog sees a steady reader make progress on a long answer.
          for (let at = 0; at < text.length; at += WRITE_SLICE) socket.write(text.slice(at, at + WRITE_SLICE));
          watchdog.wrote();
        },
        end: () => socket.end(),
        broadcast,
        authFailureDelayMs,
        schedule: (fn, ms) => void schedule(fn, ms),
      },
      {
        sessionId: `0x${randomBytes(6).toString('hex')}`,
        local: { address: unmapped(socket.localAddress ?? ''), port: socket.localPort ?? 0 },
        remote: { address: unmapped(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 },
        sessionStart: null,
      },
    );
    sessions.set(socket, session);
    const loginTimer = schedule(() => {
      if (!session.authenticated) socket.destroy();
    }, authTimeoutMs);
    const parser = new AmiInputParser();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const request of parser.push(chunk)) {
          if (session.closing) break;
          session.handle(request);
        }
      } catch (e) {
        // A fault answering one peer ends that session, never the PBX and its other sessions.
        socket.destroy();
        const line = `Sandbox AMI: session from ${socket.remoteAddress ?? '?'} dropped: ${e instanceof Error ? e.message : String(e)}`;
        if (opts.warn) opts.warn(line);
        else process.emitWarning(line);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sessions.delete(socket);
      watchdog.stop();
      clearTimeout(loginTimer);
      timers.delete(loginTimer);
    });
    socket.write(`Asterisk Call Manager/${opts.pbx.asterisk.amiVersion}\r\n`);
  };
  // Over TLS a peer counts once its handshake is done; the handshake gets the login deadline.
  const server: Server = opts.tls
    ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: authTimeoutMs }, onConnection)
    : createServer(onConnection);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.bind ?? '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('AMI server: no TCP address'));
        return;
      }
      resolve({
        address: address.address,
        port: address.port,
        tls: opts.tls !== undefined,
        close: () =>
          new Promise<void>((done) => {
            unsubscribe();
            for (const t of timers) clearTimeout(t);
            timers.clear();
            for (const socket of sessions.keys()) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * ast_carefulwrite waits at most the write timeout for the socket to take more bytes, then
 * the session ends. Here: while output is pending, a check every `timeoutMs`; two checks in a
 * row in which no written slice was taken by the kernel drop the session (two, so that a check delayed by a
 * busy event loop is not mistaken for a stalled peer), and so does an absurd backlog.
 */
function writeWatchdog(socket: Socket, timeoutMs: number): { wrote(): void; stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  let lastWritten = 0;
  let strikes = 0;
  const stop = (): void => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const check = (): void => {
    if (socket.destroyed || socket.writableLength === 0) {
      stop();
      return;
    }
    strikes = flushed(socket) === lastWritten ? strikes + 1 : 0;
    lastWritten = flushed(socket);
    if (strikes >= 2) socket.destroy();
  };
  return {
    wrote() {
      if (socket.writableLength > MAX_PENDING_OUTPUT) {
        socket.destroy();
        return;
      }
      if (timer || socket.writableLength === 0) return;
      lastWritten = flushed(socket);
      strikes = 0;
      timer = setInterval(check, timeoutMs);
    },
    stop,
  };
}

/** Bytes the kernel has taken: bytesWritten also counts what is still queued. */
function flushed(socket: Socket): number {
  return socket.bytesWritten - socket.writableLength;
}
