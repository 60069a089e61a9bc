// The PBX session: one Asterisk, kept in sync. Connect and log in; full sync into a
// RegistrarState while live events are buffered (applied after the snapshot, so none is lost);
// then events applied as they come. A contact announced only by a ContactStatus is completed
// with DBGet. On a drop the state stays readable but is flagged stale, and the session
// reconnects with capped, jittered exponential backoff and resyncs in full. A refused login
// (wrong secret) is final: retrying would only hammer Asterisk with the same wrong secret.
import { RegistrarState, type StateChange } from '../core/registrar-state';
import { readStoredContact } from './astdb';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { AmiConnection, type AmiConnectOptions, type AmiProblem } from './connection';
import { AmiError, SSH_ERROR_CODES, SSH_TRANSIENT_CODES, type AmiErrorCode } from './errors';
import { Listeners } from './listeners';
import type { AmiMessage } from './messages';
import { parseGetvar, parseRegistrarEvent } from './parsers';
import { readAsteriskVersion } from './core-settings';
import { readSnapshot } from './sync';

export type SessionState = 'connecting' | 'syncing' | 'live' | 'stale' | 'failed';

export interface SessionStatus {
  state: SessionState;
  /** Why the session is not live (the last connect/sync error), null when live. */
  error: AmiError | null;
  /** Epoch ms of the last status change. */
  since: number;
  /**
   * Whether this AMI user receives `security` events (FailedACL: refused REGISTERs). Asterisk
   * has no action that tells a user its read classes, but every login fires SuccessfulAuth to
   * every session reading `security`, our own included: true once a security event arrives,
   * false if none came within the probe time after login, null until then.
   */
  readsSecurityEvents: boolean | null;
}

/** Options of a change batch: `resync` marks the batch that replaces the whole state after a (re)sync. */
export interface ChangeBatch {
  resync: boolean;
}

export type SessionProblem =
  | AmiProblem
  /** A block that should have been a registrar event or list item but could not be read. */
  | { kind: 'unreadableBlock'; error: string; message: AmiMessage }
  /** Completing a contact announced by ContactStatus (DBGet) failed. */
  | { kind: 'contactReadFailed'; contactId: string; error: AmiError };

export interface PbxSessionOptions extends AmiConnectOptions {
  backoff?: Partial<BackoffOptions>;
  /** False for one-shot use (the CLI): the first connect or sync failure is final. Default true. */
  retry?: boolean;
  /** How long after login a missing security event means the user cannot read them. Default 5 s. */
  securityProbeMs?: number;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  random?: () => number;
}

type Listener<T> = (value: T) => void;

/**
 * Connect errors that retrying cannot fix, only the admin: a wrong secret or SSH credential
 * (retrying would hammer the server with it), a TLS certificate or SSH host key that is not
 * trusted or not the pinned one (it must be checked and pinned first), a locked or unreadable
 * key file, an SSH server that forbids forwarding. The session stops in 'failed' with the error.
 */
const FINAL_CONNECT_ERRORS: ReadonlySet<AmiErrorCode> = new Set([
  'authFailed',
  'tlsUntrusted',
  'tlsMismatch',
  ...SSH_ERROR_CODES.filter((code) => !SSH_TRANSIENT_CODES.has(code)),
]);

/** Characters that would end or split a dialplan function argument. */
const FUNCTION_ARGUMENT_BREAKERS = /[,()$]/;

export class PbxSession {
  private connectionNow: AmiConnection | null = null;
  private current: RegistrarState | null = null;
  private currentStatus: SessionStatus;
  private closing = false;
  private wakeUp: (() => void) | null = null;
  /** Contact ids whose DBGet is in flight -> whether another event asked for a fresh read meanwhile. */
  private readonly reading = new Map<string, boolean>();
  private readonly problemListeners = new Listeners<[SessionProblem]>();
  private readonly changeListeners = new Listeners<[StateChange[], ChangeBatch]>((error) => this.report({ kind: 'listenerError', error }));
  private readonly statusListeners = new Listeners<[SessionStatus]>((error) => this.report({ kind: 'listenerError', error }));
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly running: Promise<void>;
  /** AMI events received over all connections (regdesk serve's regdesk_ami_events_total). */
  private eventCount = 0;

  private constructor(private readonly options: PbxSessionOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.currentStatus = { state: 'connecting', error: null, since: this.now(), readsSecurityEvents: null };
    this.running = this.run();
  }

  /** Start connecting at once; follow status() / onStatus() or await whenLive(). */
  static start(options: PbxSessionOptions): PbxSession {
    return new PbxSession(options);
  }

  status(): SessionStatus {
    return this.currentStatus;
  }

  /** The registrar state; null until the first sync. While stale it is the last known state. */
  state(): RegistrarState | null {
    return this.current;
  }

  /** How many AMI events arrived since the session started, over every reconnect. */
  eventsReceived(): number {
    return this.eventCount;
  }

  /** Batches of state changes: one per live event, one per (re)sync, one per local action. */
  onChange(listener: (changes: StateChange[], batch: ChangeBatch) => void): () => boolean {
    return this.changeListeners.add(listener);
  }

  onStatus(listener: Listener<SessionStatus>): () => boolean {
    return this.statusListeners.add(listener);
  }

  onProblem(listener: Listener<SessionProblem>): () => boolean {
    return this.problemListeners.add(listener);
  }

  /** Resolves when the session is live; rejects if it fails (see FINAL_CONNECT_ERRORS) or times out. */
  whenLive(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (s: SessionStatus): boolean => {
        if (s.state === 'live') resolve();
        else if (s.state === 'failed') reject(s.error);
        else return false;
        return true;
      };
      if (check(this.currentStatus)) return;
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new AmiError('timeout', `PBX session not live within ${timeoutMs} ms (${this.currentStatus.state}${this.currentStatus.error ? `: ${this.currentStatus.error.message}` : ''})`));
      }, timeoutMs);
      const unsubscribe = this.onStatus((s) => {
        if (check(s)) {
          clearTimeout(timer);
          unsubscribe();
        }
      });
    });
  }

  /** The live connection, for actions on the PBX (removal). Throws when not live. */
  liveConnection(): AmiConnection {
    if (this.currentStatus.state !== 'live' || !this.connectionNow || !this.current) {
      throw new AmiError('disconnected', `the PBX session is ${this.currentStatus.state}, not live`);
    }
    return this.connectionNow;
  }

  /** Run a local change on the state (removal, undo) and publish its changes. */
  change(update: (state: RegistrarState) => StateChange[]): StateChange[] {
    if (!this.current) throw new AmiError('disconnected', 'the PBX session has no state yet');
    const changes = update(this.current);
    this.publish(changes);
    return changes;
  }

  /** What Asterisk itself returns for ${PJSIP_DIAL_CONTACTS(endpoint)} (Getvar with no Channel). */
  async dialString(endpoint: string): Promise<string> {
    if (FUNCTION_ARGUMENT_BREAKERS.test(endpoint)) {
      throw new AmiError('invalidArgument', `endpoint name ${JSON.stringify(endpoint)} contains , ( ) or $, which would change the dialplan function call`);
    }
    const answer = await this.liveConnection().send({ Action: 'Getvar', Variable: `PJSIP_DIAL_CONTACTS(${endpoint})` });
    const parsed = parseGetvar(answer);
    if (!parsed.ok) throw new AmiError('protocol', parsed.error);
    return parsed.value.value;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wakeUp?.();
    await this.connectionNow?.close();
    await this.running;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.closing) {
      const dropped = await this.connectAndSync();
      if (this.closing || this.currentStatus.state === 'failed') return;
      if (this.options.retry === false) return this.setStatus('failed', this.currentStatus.error ?? new AmiError('disconnected', 'the AMI connection ended'));
      if (dropped === 'wasLive') attempt = 0;
      await this.sleep(backoffDelay(attempt++, this.backoff, this.random()));
    }
  }

  /** One connection's life. Resolves when it is over: 'wasLive' if it reached live first. */
  private async connectAndSync(): Promise<'wasLive' | 'neverLive'> {
    const notLive: SessionState = this.current ? 'stale' : 'connecting';
    this.setStatus(notLive, this.currentStatus.error);
    let connection: AmiConnection;
    try {
      connection = await AmiConnection.connect(this.options);
    } catch (e) {
      const error = asAmiError(e);
      this.setStatus(FINAL_CONNECT_ERRORS.has(error.code) ? 'failed' : notLive, error);
      return 'neverLive';
    }
    if (this.closing) {
      await connection.close();
      return 'neverLive';
    }
    this.connectionNow = connection;
    const closed = new Promise<AmiError | null>((resolve) => connection.onClose(resolve));
    connection.onProblem((p) => this.report(p));
    // Buffer events from login on; they are applied after the snapshot.
    let buffer: Array<{ message: AmiMessage; at: number }> | null = [];
    this.setSecurityReading(null);
    const probe = setTimeout(() => this.currentStatus.readsSecurityEvents ?? this.setSecurityReading(false), this.options.securityProbeMs ?? 5_000);
    connection.onClose(() => clearTimeout(probe));
    connection.onEvent((message) => {
      this.eventCount++;
      if (this.currentStatus.readsSecurityEvents !== true && isSecurityEvent(message)) this.setSecurityReading(true);
      if (buffer) buffer.push({ message, at: this.now() });
      else this.applyEvent(message, this.now());
    });
    this.setStatus(this.current ? 'stale' : 'syncing', null);
    try {
      // The version shapes what is advised; asked right after the lists (Asterisk answers a
      // session's actions in order), so a PBX that cannot list fails on the lists, not on it.
      const [lists, asteriskVersion] = await Promise.all([
        readSnapshot(connection, (r) => this.report({ kind: 'unreadableBlock', error: r.error, message: r.message })),
        readAsteriskVersion(connection),
      ]);
      const snapshot = { ...lists, asteriskVersion };
      const previous = this.current;
      this.current = RegistrarState.fromSnapshot(snapshot, previous ?? undefined);
      this.publish(resyncChanges(previous, this.current), { resync: true });
      const pending = buffer;
      buffer = null;
      for (const { message, at } of pending) this.applyEvent(message, at);
      this.setStatus('live', null);
    } catch (e) {
      this.connectionNow = null;
      if (this.closing) return 'neverLive';
      if (!connection.closed) connection.close().catch(() => undefined);
      this.setStatus(notLive, asAmiError(e));
      return 'neverLive';
    }
    const reason = await closed;
    this.connectionNow = null;
    if (!this.closing) this.setStatus('stale', reason ?? new AmiError('disconnected', `${connection.where} closed the AMI connection`));
    return 'wasLive';
  }

  private applyEvent(message: AmiMessage, at: number): void {
    const state = this.current;
    if (!state) return;
    const parsed = parseRegistrarEvent(message, at);
    if (!parsed.ok) return this.report({ kind: 'unreadableBlock', error: parsed.error, message });
    if (!parsed.value) return;
    const changes = state.apply(parsed.value);
    this.publish(changes);
    for (const c of changes) if (c.kind === 'contactUpserted' && c.incomplete) this.completeContact(state, c.contact.id);
  }

  /** A ContactStatus announced the contact; its UA, via, Call-ID and expiry are in the AstDB.
   *  One DBGet per contact at a time; an event during it asks for one more read afterwards
   *  (the AstDB may have changed after the first read was sent). */
  private completeContact(state: RegistrarState, id: string): void {
    const connection = this.connectionNow;
    if (!connection) return;
    if (this.reading.has(id)) {
      this.reading.set(id, true);
      return;
    }
    this.reading.set(id, false);
    readStoredContact(connection, id)
      .then(
        (stored) => {
          // The state was replaced by a resync meanwhile, or the contact is already gone again.
          if (!stored || state !== this.current || !state.contact(id)) return;
          this.publish(state.upsertContact(stored.contact));
        },
        (error: unknown) => {
          if (!this.closing) this.report({ kind: 'contactReadFailed', contactId: id, error: asAmiError(error) });
        },
      )
      .finally(() => {
        const again = this.reading.get(id);
        this.reading.delete(id);
        if (again && state === this.current) this.completeContact(state, id);
      });
  }

  private publish(changes: StateChange[], batch: ChangeBatch = { resync: false }): void {
    if (changes.length > 0) this.changeListeners.emit(changes, batch);
  }

  private setStatus(state: SessionState, error: AmiError | null): void {
    if (state === this.currentStatus.state && error === this.currentStatus.error) return;
    this.currentStatus = { ...this.currentStatus, state, error, since: this.now() };
    this.announceStatus();
  }

  private setSecurityReading(reads: boolean | null): void {
    if (reads === this.currentStatus.readsSecurityEvents) return;
    this.currentStatus = { ...this.currentStatus, readsSecurityEvents: reads };
    this.announceStatus();
  }

  private announceStatus(): void {
    this.statusListeners.emit(this.currentStatus);
  }

  private report(problem: SessionProblem): void {
    this.problemListeners.emit(problem);
  }

  /** Wait before the next attempt; close() cuts it short. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }
}

/** The batch a (re)sync publishes: contacts that vanished while we were away, then everything now known. */
function resyncChanges(previous: RegistrarState | null, next: RegistrarState): StateChange[] {
  const changes: StateChange[] = [];
  if (previous) {
    for (const c of previous.snapshot().contacts) {
      if (!next.contact(c.id)) changes.push({ kind: 'contactRemoved', contactId: c.id, uri: c.uri, aor: c.aor, endpoint: c.endpoint, reason: 'unregisteredOrExpired' });
    }
  }
  const snapshot = next.snapshot();
  for (const endpoint of snapshot.endpoints) changes.push({ kind: 'endpointUpdated', endpoint });
  for (const contact of snapshot.contacts) changes.push({ kind: 'contactUpserted', contact, incomplete: false });
  return changes;
}

function isSecurityEvent(message: AmiMessage): boolean {
  return message.get('Privilege')?.split(',').includes('security') ?? false;
}

function asAmiError(e: unknown): AmiError {
  return e instanceof AmiError ? e : new AmiError('protocol', e instanceof Error ? e.message : String(e), { cause: e });
}

