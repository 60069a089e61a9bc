// One PBX as the front ends see it: its AMI session, the endpoint rows derived from the
// registrar state (pushed as diffs), each endpoint's recent history and refusal count, and
// the refusal alerts that pass the rate limit.
import { RefusalAlertPolicy } from '../core/alert-policy';
import { diagnoseAor } from '../core/diagnosis';
import { endpointDetail, endpointRow, sameRow } from '../core/endpoint-view';
import type { RegistrarState, StateChange } from '../core/registrar-state';
import type { EndpointDetail, EndpointHistoryEntry, EndpointRow, HistoryEvent, Refusal } from '../core/types';
import type { PbxSession, SessionStatus } from '../ami/session';
import { AmiActionError, AmiSshHostKeyError, AmiTlsError, SSH_ERROR_CODES, type AmiError, type SshErrorCode } from '../ami/errors';
import { ServiceFailure, type ConnectionState, type EndpointRowsDiff, type RefusalAlert, type ServiceError } from './api';

/** How many history entries each endpoint keeps for its detail panel. */
const HISTORY_PER_ENDPOINT = 50;
/** How many entries the PBX's history keeps in memory, newest last (its charts and export). */
const HISTORY_PER_PBX = 100_000;

export interface PbxLinkEvents {
  rows(diff: Omit<EndpointRowsDiff, 'pbxId'>): void;
  endpointChanged(endpoint: string): void;
  status(): void;
  refusalAlert(alert: Omit<RefusalAlert, 'pbxId' | 'pbxName'>): void;
  /** Every history entry as it is recorded (the CLI's `watch` prints them). */
  history?(endpoint: string, entry: EndpointHistoryEntry): void;
}

export class PbxLink {
  private readonly rows = new Map<string, EndpointRow>();
  private readonly history = new Map<string, EndpointHistoryEntry[]>();
  /** Every endpoint's entries in the order they happened, oldest first. */
  private readonly pbxHistory: HistoryEvent[] = [];
  private readonly refusals = new Map<string, number>();
  /** Last known qualify status per contact id, to record reachable/unreachable transitions. */
  private readonly lastStatus = new Map<string, string>();
  private readonly unsubscribe: Array<() => unknown>;
  /** How many rows need attention, kept as rows change (the sidebar badge; read on every change). */
  private warningRows = 0;

  constructor(
    readonly session: PbxSession,
    private readonly alerts: RefusalAlertPolicy,
    private readonly alertKeyPrefix: string,
    private readonly events: PbxLinkEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe = [
      session.onChange((changes, batch) => this.onChanges(changes, batch.resync)),
      session.onStatus(() => this.events.status()),
    ];
  }

  connectionState(): ConnectionState {
    return this.session.status().state;
  }

  error(): ServiceError | null {
    return toServiceError(this.session.status());
  }

  /** Endpoints that need the admin: at their limit, with stale contacts, or refused. */
  warnings(): number {
    return this.warningRows;
  }

  listRows(): EndpointRow[] {
    return [...this.rows.values()];
  }

  detail(endpoint: string): EndpointDetail {
    const state = this.requireState();
    if (!state.endpoint(endpoint)) throw new ServiceFailure('notFound', `no endpoint ${endpoint}`);
    return endpointDetail(state, endpoint, this.history.get(endpoint) ?? [], this.refusals.get(endpoint) ?? 0, this.now());
  }

  /** The PBX's history, newest first: one endpoint's or all, since a time, at most `limit` entries. */
  historyEvents(query: { endpoint: string | null; since: number | null; limit: number | null }): HistoryEvent[] {
    const found: HistoryEvent[] = [];
    const limit = query.limit ?? Infinity;
    for (let i = this.pbxHistory.length - 1; i >= 0 && found.length < limit; i--) {
      const e = this.pbxHistory[i]!;
      if (query.since !== null && e.at < query.since) break;
      if (query.endpoint === null || e.endpoint === query.endpoint) found.push(e);
    }
    return found;
  }

  /** Record something the admin did (removal, undo) in the endpoint's history. */
  record(endpoint: string, entry: EndpointHistoryEntry): void {
    this.pushHistory(endpoint, entry);
    this.events.endpointChanged(endpoint);
  }

  /** The endpoint was fixed by the admin: its next refusal is news again. */
  resetAlerts(endpoint: string): void {
    this.alerts.reset(this.alertKey(endpoint));
  }

  requireState(): RegistrarState {
    const state = this.session.state();
    if (!state) throw new ServiceFailure('notFound', 'this PBX has not been read yet');
    return state;
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe) u();
    await this.session.close();
  }

  /** `resync`: the batch replaces the whole state (endpoints may have appeared or gone). */
  private onChanges(changes: StateChange[], resync: boolean): void {
    const state = this.session.state();
    if (!state) return;
    const at = this.now();
    const warningsBefore = this.warningRows;
    const touched = new Set<string>();
    for (const change of changes) {
      const endpoint = this.recordChange(change, at, resync);
      if (endpoint) touched.add(endpoint);
    }
    const names = resync ? state.endpoints().map((e) => e.name) : [...touched];
    const upserted: EndpointRow[] = [];
    for (const name of names) {
      if (!state.endpoint(name)) continue;
      const row = endpointRow(state, name, this.refusals.get(name) ?? 0, at);
      const old = this.rows.get(name);
      if (old && sameRow(old, row)) continue;
      this.setRow(name, row);
      upserted.push(row);
    }
    const removed = resync ? [...this.rows.keys()].filter((n) => !state.endpoint(n)) : [];
    for (const n of removed) this.setRow(n, null);
    if (upserted.length || removed.length) this.events.rows({ upserted, removed });
    for (const name of touched) this.events.endpointChanged(name);
    // The PBX summary (its badge) changes only with the number of rows needing attention.
    if (this.warningRows !== warningsBefore) this.events.status();
  }

  /** Replace (or, with null, drop) an endpoint's row, keeping the warning count. */
  private setRow(name: string, row: EndpointRow | null): void {
    const old = this.rows.get(name);
    if (old && needsAttention(old)) this.warningRows--;
    if (row && needsAttention(row)) this.warningRows++;
    if (row) this.rows.set(name, row);
    else this.rows.delete(name);
  }

  /** History and refusal bookkeeping for one change; returns the endpoint it concerns.
   *  A sync reads what is there, not when it happened: it records no history. */
  private recordChange(change: StateChange, at: number, resync: boolean): string | null {
    switch (change.kind) {
      case 'contactUpserted': {
        const c = change.contact;
        const previous = this.lastStatus.get(c.id);
        this.lastStatus.set(c.id, c.status);
        if (resync) return c.endpoint;
        if (previous === undefined) this.pushHistory(c.endpoint, { at, kind: 'registered', contactUri: c.uri });
        else if (previous !== c.status && (c.status === 'Reachable' || c.status === 'Unreachable')) {
          this.pushHistory(c.endpoint, { at, kind: c.status === 'Reachable' ? 'reachable' : 'unreachable', contactUri: c.uri });
        }
        return c.endpoint;
      }
      case 'contactRemoved':
        this.lastStatus.delete(change.contactId);
        if (change.reason === 'unregisteredOrExpired' && !resync) this.pushHistory(change.endpoint, { at, kind: 'unregistered', contactUri: change.uri });
        return change.endpoint;
      case 'endpointUpdated':
        return change.endpoint.name;
      case 'refused':
        this.onRefused(change.refusal);
        return change.refusal.endpoint;
      case 'ghost':
        return change.ghost.endpoint;
    }
  }

  private onRefused(refusal: Refusal): void {
    const endpoint = refusal.endpoint;
    this.refusals.set(endpoint, (this.refusals.get(endpoint) ?? 0) + 1);
    this.pushHistory(endpoint, { at: refusal.at, kind: 'refused', source: refusal.source });
    const decision = this.alerts.decide(this.alertKey(endpoint), refusal.at);
    if (!decision.notify) return;
    const { aor, candidate } = this.refusingAor(endpoint, refusal.source);
    this.events.refusalAlert({
      endpoint,
      aor,
      source: refusal.source,
      maxContacts: refusal.maxContacts,
      count: decision.count,
      staleCandidate: candidate,
      at: refusal.at,
    });
  }

  /**
   * The endpoint's AOR that is full, and the contact to point the admin at. The refused
   * REGISTER came from `source`: a stale contact from that same address is most likely the
   * refused phone's own leftover (it rebooted and came back from a new port), so it goes first.
   */
  private refusingAor(endpoint: string, source: Refusal['source']): { aor: string | null; candidate: string | null } {
    const state = this.session.state();
    const ep = state?.endpoint(endpoint);
    if (!state || !ep) return { aor: null, candidate: null };
    const now = this.now();
    let fallback: string | null = null;
    for (const name of ep.aors) {
      const aor = state.aor(name);
      if (!aor) continue;
      const contacts = state.contactsOfAor(name);
      const d = diagnoseAor(aor, contacts, state.ghosts(), now);
      if (!d.atLimit) {
        fallback ??= name;
        continue;
      }
      const fromSource = new Set(contacts.filter((c) => c.viaAddr === source?.addr).map((c) => c.id));
      const candidate = d.stale.find((m) => fromSource.has(m.contactId)) ?? d.stale[0];
      return { aor: name, candidate: candidate?.contactId ?? null };
    }
    return { aor: fallback, candidate: null };
  }

  private alertKey(endpoint: string): string {
    return `${this.alertKeyPrefix}/${endpoint}`;
  }

  private pushHistory(endpoint: string, entry: EndpointHistoryEntry): void {
    const list = this.history.get(endpoint) ?? [];
    list.unshift(entry);
    if (list.length > HISTORY_PER_ENDPOINT) list.length = HISTORY_PER_ENDPOINT;
    this.history.set(endpoint, list);
    this.pbxHistory.push({ ...entry, endpoint, ...this.figures(endpoint) });
    if (this.pbxHistory.length > HISTORY_PER_PBX) this.pbxHistory.splice(0, this.pbxHistory.length - HISTORY_PER_PBX);
    this.events.history?.(endpoint, entry);
  }

  /** The endpoint's registered contacts and summed max_contacts, as the state has them now. */
  private figures(endpoint: string): { contacts: number; maxContacts: number } {
    const state = this.session.state();
    let contacts = 0;
    let maxContacts = 0;
    for (const name of state?.endpoint(endpoint)?.aors ?? []) {
      contacts += state!.contactsOfAor(name).length;
      maxContacts += state!.aor(name)?.maxContacts ?? 0;
    }
    return { contacts, maxContacts };
  }
}

function needsAttention(r: EndpointRow): boolean {
  return r.atLimit || r.staleContacts > 0 || r.refusals > 0;
}

/** The session's error in the codes the UI translates; a refused TLS certificate also carries
 *  its fingerprint, to compare and pin. */
export function toServiceError(status: SessionStatus): ServiceError | null {
  return status.error ? serviceErrorOf(status.error) : null;
}

/** An AMI error as the UI gets it: a refused certificate with its fingerprint, a denied action
 *  with the write classes that allow it. */
export function serviceErrorOf(e: AmiError): ServiceError {
  if (e instanceof AmiTlsError) return { code: e.code, message: e.message, tlsFingerprint: e.fingerprint };
  if (e instanceof AmiActionError && e.writeClasses) return { code: 'permission', message: e.message, denied: { action: e.action, writeClasses: [...e.writeClasses] } };
  if (e instanceof AmiSshHostKeyError) return { code: e.code, message: e.message, sshHostKey: { fingerprint: e.fingerprint, keyType: e.keyType } };
  return { code: serviceCode(e.code), message: e.message };
}

export function serviceCode(code: string): ServiceError['code'] {
  switch (code) {
    case 'authFailed':
      return 'authFailed';
    case 'unreachable':
    case 'disconnected':
      return 'unreachable';
    case 'refused':
      return 'refused';
    case 'timeout':
      return 'timeout';
    case 'permission':
      return 'permission';
    case 'invalidArgument':
    case 'headerInjection':
      return 'invalidArgument';
    case 'tlsUntrusted':
    case 'tlsMismatch':
      return code;
    default:
      return (SSH_ERROR_CODES as readonly string[]).includes(code) ? (code as SshErrorCode) : 'protocol';
  }
}
