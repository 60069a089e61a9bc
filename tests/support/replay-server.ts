// A local AMI server (127.0.0.1, port 0) that replays a recorded real-Asterisk session: it
// sends the recorded banner; for each action a client sends it answers with the recorded reply
// chunks of the same action (same Action and fields, first unused recording first), with the
// recorded ActionID rewritten to the client's, then pushes the unsolicited events recorded
// after that reply. Handlers per Action override or extend the recording for scripted fault
// scenarios (drop mid-list, never answer, trickle bytes, garbage, huge lines). Every
// connection replays the session from the start, as a fresh login to Asterisk would.
import { createServer, type Server, type Socket } from 'node:net';
import { AmiMessage } from '../../src-main/ami/messages';
import { AmiReader } from '../../src-main/ami/reader';
import { classMask, eventMask } from '../../src-main/sandbox/ami/permissions';
import type { Transcript } from './transcript';

export interface RecordedExchange {
  /** `Action` value as sent, e.g. `PJSIPShowContacts`. */
  action: string;
  /** Matching key: action and every field but ActionID, keys lower-cased. */
  key: string;
  recordedActionId: string;
  reply: Buffer[];
  /** Unsolicited events recorded after this reply, before the next action. */
  after: Buffer[];
}

export interface ReplayScript {
  banner: Buffer;
  exchanges: RecordedExchange[];
}

/** Split one recorded session into exchanges. */
export function scriptFromTranscript(t: Transcript, session: string): ReplayScript {
  const chunks = t.chunks.filter((c) => c.session === session);
  const banner = chunks.find((c) => c.banner)?.bytes;
  if (!banner) throw new Error(`${t.name}: session ${session} has no banner`);
  const exchanges: RecordedExchange[] = [];
  const byId = new Map<string, RecordedExchange>();
  let last: RecordedExchange | null = null;
  for (const chunk of chunks) {
    if (chunk.banner) continue;
    const messages = readBlocks(chunk.bytes);
    if (chunk.direction === 'sent') {
      for (const m of messages) {
        const ex: RecordedExchange = { action: m.get('Action') ?? '', key: actionKey(m), recordedActionId: m.actionId ?? '', reply: [], after: [] };
        exchanges.push(ex);
        byId.set(ex.recordedActionId, ex);
        last = ex;
      }
      continue;
    }
    const owner = messages[0]?.actionId === undefined ? undefined : byId.get(messages[0].actionId);
    if (owner) owner.reply.push(chunk.bytes);
    else if (last) last.after.push(chunk.bytes);
  }
  return { banner, exchanges };
}

/** Action name plus every field except ActionID (and a Login's Events: see eventsNotSent):
 *  what a recorded action and a client's must share. */
export function actionKey(m: AmiMessage): string {
  const login = m.get('Action')?.toLowerCase() === 'login';
  const fields: string[] = [];
  for (let i = 0; i < m.keys.length; i++) {
    const k = m.keys[i]!.toLowerCase();
    if (k !== 'actionid' && !(login && k === 'events')) fields.push(`${k}=${m.values[i]}`);
  }
  return fields.sort().join('\n');
}

/**
 * A Login is answered whatever event classes it asks for, as Asterisk answers it; but the
 * replay pushes every event recorded after it, so the client's classes must take in each of them
 * (the recordings hold only system and security events). When they do not, the replay would send
 * what Asterisk would not: this says why, and the server refuses the Login with it.
 */
export function eventsNotSent(script: ReplayScript, events: string): string | null {
  const mask = eventMask(events);
  if (mask === null) return null; // Asterisk keeps the session's mask; the recordings logged in with Events: on
  for (const ex of script.exchanges) {
    for (const m of ex.after.flatMap(readBlocks)) {
      const privilege = m.get('Privilege');
      if (privilege === undefined) continue;
      const classes = classMask(privilege.split(',').filter((c) => c !== 'all'));
      if ((classes & ~mask) !== 0) return `replay: a client logged in with Events: ${events} would not receive the recorded ${m.event} (Privilege: ${privilege})`;
    }
  }
  return null;
}

export function readBlocks(bytes: Buffer): AmiMessage[] {
  const out: AmiMessage[] = [];
  const reader = new AmiReader({}, { expectBanner: false });
  reader.feed(bytes, (o) => {
    if (o.kind === 'message') out.push(o.message);
  });
  return out;
}

/** Rewrite `ActionID: <from>` lines to `<to>`, byte-exact otherwise. */
export function rewriteActionId(bytes: Buffer, from: string, to: string): Buffer {
  const text = bytes.toString('latin1');
  return Buffer.from(text.split(`ActionID: ${from}\r\n`).join(`ActionID: ${to}\r\n`), 'latin1');
}

/** One client connection, as handlers see it. */
export interface ReplayConnection {
  readonly index: number;
  readonly socket: Socket;
  /** Send the recorded answer for this request (and the events recorded after it). False if none is left. */
  replay(request: AmiMessage): boolean;
  /** The recorded answer's chunks for this request with the ActionID rewritten, without sending them. */
  recorded(request: AmiMessage): Buffer[] | null;
  write(bytes: Buffer | string): void;
}

/** Return nothing to have handled it; return 'recording' to fall through to the recording. */
export type ActionHandler = (request: AmiMessage, connection: ReplayConnection) => void | 'recording';

export interface ReplayServerOptions {
  script: ReplayScript;
  /** Per Action name (as the client spells it). */
  handlers?: Record<string, ActionHandler>;
  /** Runs when a client connects, before the banner; return false to send no banner. */
  onConnect?: (connection: ReplayConnection) => void | false;
}

export interface ReplayServer {
  port: number;
  /** Every action received, over all connections, in order. */
  received: AmiMessage[];
  connections: ReplayConnection[];
  /** Write raw bytes to every open connection (live events). */
  push(bytes: Buffer | string): void;
  /** Destroy every open connection (the PBX went away) but keep listening. */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const sockets = new Set<Socket>();
  const received: AmiMessage[] = [];
  const connections: ReplayConnection[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const used = new Set<RecordedExchange>();
    const find = (request: AmiMessage): RecordedExchange | undefined => {
      const key = actionKey(request);
      return options.script.exchanges.find((ex) => !used.has(ex) && ex.key === key);
    };
    const connection: ReplayConnection = {
      index: connections.length,
      socket,
      recorded(request) {
        const ex = find(request);
        if (!ex) return null;
        used.add(ex);
        return ex.reply.map((b) => rewriteActionId(b, ex.recordedActionId, request.actionId ?? ''));
      },
      replay(request) {
        const ex = find(request);
        const reply = connection.recorded(request);
        if (!ex || !reply) return false;
        for (const bytes of [...reply, ...ex.after]) connection.write(bytes);
        return true;
      },
      write(bytes) {
        if (!socket.destroyed) socket.write(bytes);
      },
    };
    connections.push(connection);
    if (options.onConnect?.(connection) === false) return;
    connection.write(options.script.banner);
    const reader = new AmiReader({}, { expectBanner: false });
    socket.on('data', (chunk: Buffer) =>
      reader.feed(chunk, (o) => {
        if (o.kind !== 'message') return;
        received.push(o.message);
        const name = o.message.get('Action') ?? '';
        const unfaithful = name.toLowerCase() === 'login' ? eventsNotSent(options.script, o.message.get('Events') ?? '') : null;
        if (unfaithful) return connection.write(`Response: Error\r\nActionID: ${o.message.actionId ?? ''}\r\nMessage: ${unfaithful}\r\n\r\n`);
        const handler = options.handlers?.[name];
        if (handler && handler(o.message, connection) !== 'recording') return;
        if (connection.replay(o.message)) return;
        connection.write(`Response: Error\r\nActionID: ${o.message.actionId ?? ''}\r\nMessage: replay has no recorded answer for ${name}\r\n\r\n`);
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('replay server has no TCP address');
  return {
    port: address.port,
    received,
    connections,
    push(bytes) {
      for (const s of sockets) s.write(bytes);
    },
    dropAll() {
      for (const s of sockets) s.destroy();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Keep only the exchanges of `script` whose action is in `actions`, to borrow them into another script
 *  (the lab configuration is the same in every transcript). */
export function exchangesOf(script: ReplayScript, actions: string[]): RecordedExchange[] {
  return script.exchanges.filter((ex) => actions.includes(ex.action)).map((ex) => ({ ...ex, after: [] }));
}
