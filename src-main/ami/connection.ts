// One AMI connection on node:net, with RegDesk's reader and checked writer.
//
// Why not asterisk-manager 0.2.0 underneath: its socket, reader and writer live in a private
// closure, so "wrapping" it cannot replace its slow reader (71% of its time in line
// splitting, FACTS) nor check headers before they are written (it writes values unchecked and
// sorts the lines); its login sends `Event: off`, which Asterisk ignores; it holds actions
// forever when login fails, has no timeouts, and its reconnect logs to the console on a fixed
// 10-60 s ramp. What would remain of it is net.connect and an EventEmitter, so this module
// uses node:net directly (README "AMI layer").
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { AmiActionError, AmiError } from './errors';
import { Listeners } from './listeners';
import type { AmiMessage } from './messages';
import { AmiReader, type ReaderLimits, type ReaderOutput } from './reader';
import { openSshChannel, type AmiSshOptions } from './ssh-tunnel';
import { refuseCertificate, type AmiTlsOptions } from './tls';
import { serializeAction, type AmiAction } from './writer';

export interface AmiConnectOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** AMI over TLS (manager.conf tlsenable); null or omitted: plain TCP. */
  tls?: AmiTlsOptions | null;
  /** Through SSH: host and port above are then the AMI address as the SSH server sees it. */
  ssh?: AmiSshOptions | null;
  /** TCP connect deadline, TLS handshake included; through SSH, the SSH login and the channel's opening. */
  connectTimeoutMs?: number;
  /** Banner + Login answer deadline. Asterisk answers a wrong secret only after about 1 s. */
  loginTimeoutMs?: number;
  /** Default deadline for every action; a list action must reach its *Complete event within it. */
  actionTimeoutMs?: number;
  readerLimits?: Partial<ReaderLimits>;
}

export const DEFAULT_TIMEOUTS = { connectTimeoutMs: 5_000, loginTimeoutMs: 8_000, actionTimeoutMs: 15_000 } as const;

/** A list action's answer: the `Response: Success` / `EventList: start`, its items (none
 *  kept when they went to `onItem`), how many arrived, and the `*Complete` event (null when
 *  Asterisk answered "none" with an error, e.g. No Contacts found). */
export interface AmiList {
  response: AmiMessage;
  items: AmiMessage[];
  itemCount: number;
  complete: AmiMessage | null;
}

export interface ActionOptions {
  timeoutMs?: number;
}

export interface ListOptions extends ActionOptions {
  /** A `Response: Error` Message that means "the list is empty" (PJSIPShowContacts answers
   *  `No Contacts found` instead of an empty list). */
  emptyWhen?: string;
  /**
   * Take each item as it arrives instead of collecting it. A sync of 20,000 contacts then
   * keeps no 20,000 blocks alive until the list ends (they would all survive into the old
   * generation and make the collector do most of the sync's work). A throw fails the list.
   */
  onItem?: (item: AmiMessage) => void;
}

/** Something odd on the wire that did not stop the connection. */
export type AmiProblem =
  | { kind: 'malformedLine'; line: string }
  | { kind: 'unmatchedBlock'; message: AmiMessage }
  | { kind: 'listenerError'; error: unknown };

interface Pending {
  action: string;
  list: ListOptions | null;
  response: AmiMessage | null;
  items: AmiMessage[];
  itemCount: number;
  timer: NodeJS.Timeout;
  resolve: (value: AmiMessage | AmiList) => void;
  reject: (error: AmiError) => void;
}

type Listener<T> = (value: T) => void;

/** Bound on the events kept for a first listener that never comes. */
const MAX_EARLY_EVENTS = 10_000;

/**
 * The event classes a session asks for at Login (manager.c class names, as in manager.conf's
 * `read`): ContactStatus, PeerStatus and FullyBooted are `system`; FailedACL and the other
 * security events are `security` (the Privilege headers of every recorded event). `on` would
 * also bring every call, dialplan, CDR and CEL event of a busy PBX, each one read and dropped,
 * and a reader that falls behind gets its session closed by Asterisk.
 */
export const REGISTRAR_EVENT_CLASSES = 'system,security';

export class AmiConnection {
  private readonly reader: AmiReader;
  private readonly pending = new Map<string, Pending>();
  private readonly problemListeners = new Listeners<[AmiProblem]>();
  /** A throwing listener must not break the socket loop: it is reported as a problem. */
  private readonly eventListeners = new Listeners<[AmiMessage]>((error) => this.report({ kind: 'listenerError', error }));
  /** Events received before the first onEvent listener; null once one subscribed. */
  private earlyEvents: AmiMessage[] | null = [];
  private readonly closeListeners = new Listeners<[AmiError | null]>((error) => this.report({ kind: 'listenerError', error }));
  private nextId = 1;
  private bannerWaiter: ((banner: string) => void) | null = null;
  private fatal: AmiError | null = null;
  private closedByUs = false;
  private isClosed = false;
  readonly actionTimeoutMs: number;

  private constructor(
    /** A TCP or TLS socket, or an SSH channel. */
    private readonly socket: Duplex,
    incoming: Incoming,
    readonly options: AmiConnectOptions,
  ) {
    this.reader = new AmiReader(options.readerLimits);
    this.actionTimeoutMs = options.actionTimeoutMs ?? DEFAULT_TIMEOUTS.actionTimeoutMs;
    incoming.deliverTo((chunk) => this.reader.feed(chunk, this.onOutput));
    socket.on('error', (e) => {
      this.fatal ??= new AmiError('disconnected', `AMI connection to ${this.where} failed: ${e.message}`, { cause: e });
    });
    socket.on('close', () => this.onSocketClose());
  }

  /** Connect, read the banner, log in asking for REGISTRAR_EVENT_CLASSES. Rejects with a typed AmiError. */
  static async connect(options: AmiConnectOptions): Promise<AmiConnection> {
    const incoming = new Incoming();
    const socket = await openSocket(options, incoming);
    const connection = new AmiConnection(socket, incoming, options);
    try {
      await connection.login();
      return connection;
    } catch (e) {
      connection.closedByUs = true;
      socket.destroy();
      throw e;
    }
  }

  get where(): string {
    const ssh = this.options.ssh;
    return `${this.options.host}:${this.options.port}${ssh ? ` through SSH ${ssh.host}:${ssh.port}` : ''}`;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Send one action and resolve with its response; `Response: Error` rejects with AmiActionError. */
  send(action: AmiAction, options: ActionOptions = {}): Promise<AmiMessage> {
    return this.enqueue(action, null, options.timeoutMs) as Promise<AmiMessage>;
  }

  /** Send a list action (EventList: start) and collect its items until the `*Complete` event,
   *  checking `ListItems` against what arrived. */
  list(action: AmiAction, options: ListOptions = {}): Promise<AmiList> {
    return this.enqueue(action, options, options.timeoutMs) as Promise<AmiList>;
  }

  /**
   * Unsolicited events (no ActionID of ours). Returns an unsubscribe function. The first
   * listener also gets the events that arrived before anyone listened: Asterisk sends
   * FullyBooted and the login's own SuccessfulAuth in the same breath as `Authentication
   * accepted`, before connect() has even resolved.
   */
  onEvent(listener: Listener<AmiMessage>): () => boolean {
    const unsubscribe = this.eventListeners.add(listener);
    const early = this.earlyEvents;
    this.earlyEvents = null;
    for (const message of early ?? []) this.eventListeners.emitTo(listener, message);
    return unsubscribe;
  }

  onProblem(listener: Listener<AmiProblem>): () => boolean {
    return this.problemListeners.add(listener);
  }

  /** Called once when the socket closes: null when close() was called, else why it closed. */
  onClose(listener: Listener<AmiError | null>): () => boolean {
    return this.closeListeners.add(listener);
  }

  /** Log off (briefly waiting for Goodbye) and close the socket. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.closedByUs = true;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    await this.send({ Action: 'Logoff' }, { timeoutMs: 1_000 }).catch(() => undefined);
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 1_000);
    await closed;
    clearTimeout(timer);
  }

  private async login(): Promise<void> {
    const timeoutMs = this.options.loginTimeoutMs ?? DEFAULT_TIMEOUTS.loginTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    let unsubscribe = (): boolean => false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.bannerWaiter = null;
        const hint = this.options.tls ? '' : ' (a TLS port, usually 5039, needs TLS turned on)';
        reject(new AmiError('timeout', `${this.where} accepted the connection but sent no AMI banner within ${timeoutMs} ms${hint}`));
      }, timeoutMs);
      this.bannerWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
      unsubscribe = this.onClose((error) => {
        clearTimeout(timer);
        reject(error ?? new AmiError('disconnected', `${this.where} closed the connection before the AMI banner`));
      });
    }).finally(() => unsubscribe());
    try {
      await this.send(
        { Action: 'Login', Username: this.options.username, Secret: this.options.secret, Events: REGISTRAR_EVENT_CLASSES },
        { timeoutMs: Math.max(1, deadline - Date.now()) },
      );
    } catch (e) {
      if (e instanceof AmiActionError) {
        throw new AmiError('authFailed', `AMI login as ${JSON.stringify(this.options.username)} on ${this.where} refused: ${e.amiMessage} (wrong secret or unknown user)`);
      }
      if (e instanceof AmiError && e.code === 'timeout') {
        throw new AmiError('timeout', `${this.where} did not answer the AMI Login within ${timeoutMs} ms`);
      }
      throw e;
    }
  }

  private enqueue(action: AmiAction, list: ListOptions | null, timeoutMs = this.actionTimeoutMs): Promise<AmiMessage | AmiList> {
    const actionId = `RD-${this.nextId++}`;
    // Serialize first: a header-injection attempt is refused before anything is queued or sent.
    let bytes: string;
    try {
      bytes = serializeAction(action, actionId);
    } catch (e) {
      return Promise.reject(e as AmiError);
    }
    if (this.isClosed || this.fatal) {
      return Promise.reject(this.fatal ?? new AmiError('disconnected', `AMI connection to ${this.where} is closed; ${action.Action} not sent`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(actionId);
        const what = list ? 'did not complete its list' : 'got no answer';
        reject(new AmiError('timeout', `${action.Action} ${what} from ${this.where} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(actionId, { action: action.Action, list, response: null, items: [], itemCount: 0, timer, resolve, reject });
      this.socket.write(bytes);
    });
  }

  private readonly onOutput = (output: ReaderOutput): void => {
    switch (output.kind) {
      case 'banner':
        this.bannerWaiter?.(output.text);
        this.bannerWaiter = null;
        return;
      case 'malformed':
        return this.report({ kind: 'malformedLine', line: output.line });
      case 'protocolError':
        this.fatal = output.error;
        this.socket.destroy();
        return;
      case 'message':
        return this.route(output.message);
    }
  };

  private route(message: AmiMessage): void {
    const actionId = message.actionId;
    const pending = actionId === undefined ? undefined : this.pending.get(actionId);
    if (message.response !== undefined) {
      if (pending) this.answer(actionId!, pending, message);
      // A response nobody waits for is a late answer to an action that timed out: dropped.
      return;
    }
    if (message.event !== undefined) {
      if (pending?.list && pending.response) return this.listItem(actionId!, pending, message);
      if (actionId !== undefined && actionId.startsWith('RD-')) return; // a late list item
      if (this.earlyEvents) {
        if (this.earlyEvents.length < MAX_EARLY_EVENTS) this.earlyEvents.push(message);
        return;
      }
      this.eventListeners.emit(message);
      return;
    }
    this.report({ kind: 'unmatchedBlock', message });
  }

  private answer(actionId: string, p: Pending, message: AmiMessage): void {
    if (message.response === 'Error') {
      const text = message.get('Message') ?? '';
      if (p.list?.emptyWhen !== undefined && text === p.list.emptyWhen) {
        return this.settle(actionId, p, () => p.resolve({ response: message, items: [], itemCount: 0, complete: null }));
      }
      return this.settle(actionId, p, () => p.reject(new AmiActionError(p.action, text)));
    }
    if (!p.list) return this.settle(actionId, p, () => p.resolve(message));
    if (message.get('EventList')?.toLowerCase() !== 'start') {
      return this.settle(actionId, p, () => p.reject(new AmiError('protocol', `${p.action} answered without EventList: start`)));
    }
    p.response = message;
  }

  private listItem(actionId: string, p: Pending, message: AmiMessage): void {
    if (message.get('EventList')?.toLowerCase() !== 'complete') {
      p.itemCount++;
      const onItem = p.list?.onItem;
      if (!onItem) return void p.items.push(message);
      try {
        onItem(message);
      } catch (e) {
        const error = new AmiError('protocol', `${p.action} list item ${p.itemCount} could not be taken: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        this.settle(actionId, p, () => p.reject(error));
      }
      return;
    }
    const declared = message.get('ListItems');
    if (declared !== undefined && Number(declared) !== p.itemCount) {
      const error = new AmiError('protocol', `${p.action} list announced ListItems: ${declared} but ${p.itemCount} items arrived`);
      return this.settle(actionId, p, () => p.reject(error));
    }
    const response = p.response!;
    this.settle(actionId, p, () => p.resolve({ response, items: p.items, itemCount: p.itemCount, complete: message }));
  }

  private settle(actionId: string, p: Pending, done: () => void): void {
    clearTimeout(p.timer);
    this.pending.delete(actionId);
    done();
  }

  private onSocketClose(): void {
    this.isClosed = true;
    const reason = this.closedByUs ? null : (this.fatal ?? new AmiError('disconnected', `${this.where} closed the AMI connection`));
    for (const [actionId, p] of this.pending) {
      const progress = p.response ? ` (${p.itemCount} list items received)` : '';
      const error = reason ?? new AmiError('disconnected', `AMI connection to ${this.where} was closed`);
      this.settle(actionId, p, () => p.reject(new AmiError(error.code, `${error.message} while waiting for ${p.action}${progress}`, { cause: error })));
    }
    this.closeListeners.emit(reason);
    this.closeListeners.clear();
  }

  private report(problem: AmiProblem): void {
    this.problemListeners.emit(problem);
  }
}


/**
 * The TCP (or TLS) connection, ready for the banner. Over TLS the certificate is judged on
 * secureConnect, before a single byte is written (not even the Login): the handshake runs with
 * rejectUnauthorized false only so that a refused certificate's fingerprint can be reported;
 * `authorized` carries the same CA chain and host name verdict rejectUnauthorized would enforce.
 */
async function openSocket(options: AmiConnectOptions, incoming: Incoming): Promise<Duplex> {
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectTimeoutMs;
  if (options.ssh) {
    const channel = await openSshChannel(options.ssh, options.host, options.port, timeoutMs);
    channel.on('data', (chunk: Buffer) => incoming.take(chunk));
    return channel;
  }
  return openTcpSocket(options, incoming, timeoutMs);
}

function openTcpSocket(options: AmiConnectOptions, incoming: Incoming, timeoutMs: number): Promise<Duplex> {
  const where = `${options.host}:${options.port}`;
  const tls = options.tls ?? null;
  return new Promise((resolve, reject) => {
    const socket = tls
      ? tlsConnect({ host: options.host, port: options.port, rejectUnauthorized: false })
      : netConnect({ host: options.host, port: options.port, onread: incoming.onread() });
    if (tls) socket.on('data', (chunk: Buffer) => incoming.take(chunk));
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    let tcpConnected = false;
    const settle = (error: AmiError | null): void => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      if (error === null) return resolve(socket);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => {
      settle(
        tls && tcpConnected
          ? new AmiError('timeout', `${where} accepted the connection but completed no TLS handshake within ${timeoutMs} ms (${TLS_PORT_HINT})`)
          : new AmiError('timeout', `no TCP connection to ${where} within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      tcpConnected = true;
      if (!tls) settle(null);
    });
    if (tls) {
      socket.once('secureConnect', () => {
        const peer = socket as TLSSocket;
        const refusal = refuseCertificate(where, {
          fingerprint256: peer.getPeerCertificate().fingerprint256,
          authorized: peer.authorized,
          authorizationError: peer.authorizationError ? String(peer.authorizationError) : null,
        }, tls);
        settle(refusal);
      });
    }
    socket.once('error', (e: NodeJS.ErrnoException) => settle(tls && tcpConnected ? tlsHandshakeError(where, e) : socketError(where, e)));
  });
}

/** Size of the buffer a plain TCP connection reads into (Node's own stream reads 64 KiB too). */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Where the socket's bytes go. Plain TCP reads into one buffer per connection (net's onread),
 * skipping the stream machinery and a fresh Buffer per read: 50 connections that only read
 * cost 4.1-5.3% of a core through the stream, 2.7-3.0% with onread. The reader keeps nothing
 * of a chunk after feed() returns, so the buffer can be read into again. TLS sockets and SSH
 * channels have no onread: their 'data' chunks come the same way. Bytes that arrive before the connection takes
 * them (none should: the banner follows the connect) are copied and kept for it.
 */
class Incoming {
  private sink: ((chunk: Buffer) => void) | null = null;
  private early: Buffer[] = [];

  onread(): { buffer: Buffer; callback: (length: number, buffer: Buffer) => boolean } {
    return { buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES), callback: (length, buffer) => (this.take(buffer.subarray(0, length)), true) };
  }

  take(chunk: Buffer): void {
    if (this.sink) this.sink(chunk);
    else this.early.push(Buffer.from(chunk));
  }

  deliverTo(sink: (chunk: Buffer) => void): void {
    this.sink = sink;
    for (const chunk of this.early) sink(chunk);
    this.early = [];
  }
}

const TLS_PORT_HINT = 'is this the TLS port? Asterisk serves AMI over TLS on tlsbindaddr, usually 5039, and plain AMI on 5038';

function tlsHandshakeError(where: string, e: NodeJS.ErrnoException): AmiError {
  return new AmiError('protocol', `no TLS handshake with ${where}: ${e.code ?? e.message} (${TLS_PORT_HINT})`, { cause: e });
}

function socketError(where: string, e: NodeJS.ErrnoException): AmiError {
  switch (e.code) {
    case 'ECONNREFUSED':
      return new AmiError('refused', `nothing accepts AMI connections on ${where} (connection refused)`, { cause: e });
    case 'ETIMEDOUT':
      return new AmiError('timeout', `no TCP connection to ${where} (timed out)`, { cause: e });
    default:
      return new AmiError('unreachable', `cannot reach ${where}: ${e.code ?? e.message}`, { cause: e });
  }
}
