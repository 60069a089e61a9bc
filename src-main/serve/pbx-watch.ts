// One PBX watched by `regdesk serve`: its AMI session (the same bridge the app uses), the
// per-AOR figures kept up to date as changes arrive (a scrape reads them; it does not diagnose
// 1,000 AORs per PBX each time), refusals, reconnects and the Asterisk version.
import { aorFigures, CONTACT_STATUSES, needsAttention, refusalIsRecent, refusingAor, type AorFigures } from '../core/aor-figures';
import type { RegistrarState, StateChange } from '../core/registrar-state';
import type { ContactStatus } from '../core/types';
import { PbxSession, type PbxSessionOptions } from '../ami/session';
import { readAsteriskVersion } from './asterisk-version';
import { ScrapedCounter } from './scraped-counter';

/** What one scrape exports of a PBX. */
export interface PbxFigures {
  up: boolean;
  asteriskVersion: string;
  reconnects: number;
  events: number;
  endpoints: number;
  contacts: Record<ContactStatus, number>;
  aorsAtLimit: number;
  staleContacts: number;
  /** endpoint -> refused REGISTERs since serve started (see ScrapedCounter). */
  refusals: Array<[endpoint: string, count: number]>;
  /** The AORs with series of their own (all of them with allAors). */
  aors: AorFigures[];
}

export class PbxWatch {
  readonly session: PbxSession;
  /**
   * Every AOR's figures, and what a scrape needs kept as they change, so that a scrape of a PBX
   * of 1,000 AORs reads a few numbers and the AORs needing attention, not 1,000 entries.
   */
  private readonly figures = new Map<string, AorFigures>();
  private readonly totals = { contacts: emptyStatusCounts(), atLimit: 0, stale: 0 };
  /** AORs at their limit or with a stale contact. */
  private readonly attention = new Set<string>();
  /** AORs whose figures change with time alone (a contact will expire), and the earliest such time. */
  private readonly timed = new Set<string>();
  private nextRecheckAt = Infinity;
  private readonly lastRefusedAt = new Map<string, number>();
  private readonly refusals = new ScrapedCounter();
  private state: RegistrarState | null = null;
  private endpointCount = 0;
  private lives = 0;
  private version = '';

  constructor(
    login: PbxSessionOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.session = PbxSession.start(login);
    this.session.onChange((changes, batch) => this.onChanges(changes, batch.resync));
    this.session.onStatus((s) => {
      if (s.state !== 'live') return;
      this.lives++;
      void readAsteriskVersion(this.session).then((v) => (this.version = v));
    });
  }

  /** Connected (live) at least once since it was started: what /readyz waits for. */
  wasLive(): boolean {
    return this.lives > 0;
  }

  figuresNow(allAors: boolean): PbxFigures {
    const now = this.now();
    if (now >= this.nextRecheckAt) this.recheck(now);
    let aors: AorFigures[];
    if (allAors) aors = [...this.figures.values()];
    else {
      const names = new Set(this.attention);
      for (const [name, at] of this.lastRefusedAt) {
        // The default rule (core exportsAorSeries), kept as sets: attention, or a recent refusal.
        if (refusalIsRecent(at, now)) names.add(name);
        else this.lastRefusedAt.delete(name);
      }
      aors = [...names].flatMap((name) => this.figures.get(name) ?? []);
    }
    return {
      up: this.session.status().state === 'live',
      asteriskVersion: this.version,
      reconnects: Math.max(0, this.lives - 1),
      events: this.session.eventsReceived(),
      endpoints: this.endpointCount,
      contacts: { ...this.totals.contacts },
      aorsAtLimit: this.totals.atLimit,
      staleContacts: this.totals.stale,
      refusals: this.refusals.scrape(),
      aors,
    };
  }

  /** The true refusal count of an endpoint (not the scrape's view of it). */
  refusalCount(endpoint: string): number {
    return this.refusals.count(endpoint);
  }

  close(): Promise<void> {
    return this.session.close();
  }

  private onChanges(changes: StateChange[], resync: boolean): void {
    const state = this.session.state();
    if (!state) return;
    this.state = state;
    if (resync) {
      for (const name of [...this.figures.keys()]) this.setFigures(name, undefined);
      this.endpointCount = state.endpoints().length;
      for (const aor of state.snapshot().aors) this.refresh(aor.name);
    }
    const touched = new Set<string>();
    for (const change of changes) {
      switch (change.kind) {
        case 'contactUpserted':
          touched.add(change.contact.aor);
          break;
        case 'contactRemoved':
          touched.add(change.aor);
          break;
        case 'ghost':
          touched.add(change.ghost.aor);
          break;
        case 'endpointUpdated':
          if (!resync) for (const aor of change.endpoint.aors) touched.add(aor);
          break;
        case 'refused':
          this.onRefused(state, change.refusal.endpoint, change.refusal.at);
          break;
      }
    }
    if (!resync) for (const aor of touched) this.refresh(aor);
  }

  private onRefused(state: RegistrarState, endpoint: string, at: number): void {
    this.refusals.add(endpoint);
    const aor = refusingAor(endpoint, state.endpoint(endpoint)?.aors ?? [], (name) => this.figures.get(name));
    if (aor) this.lastRefusedAt.set(aor, at);
  }

  /** Recompute the AORs a contact expiry may have changed. */
  private recheck(now: number): void {
    this.nextRecheckAt = Infinity;
    for (const name of [...this.timed]) {
      const f = this.figures.get(name);
      if (f && f.recheckAt <= now) this.refresh(name);
      else if (f) this.nextRecheckAt = Math.min(this.nextRecheckAt, f.recheckAt);
    }
  }

  /** Recompute one AOR's figures from the state; drops an AOR the state no longer has. */
  private refresh(name: string): void {
    const state = this.state;
    const aor = state?.aor(name);
    if (!state || !aor) return this.setFigures(name, undefined);
    this.setFigures(name, aorFigures(aor, state.contactsOfAor(name), state.ghosts().filter((g) => g.aor === name), this.now()));
  }

  /** Replace (or, with undefined, drop) an AOR's figures, keeping the totals and sets. */
  private setFigures(name: string, f: AorFigures | undefined): void {
    const old = this.figures.get(name);
    if (old) this.count(old, -1);
    if (!f) {
      this.figures.delete(name);
      this.attention.delete(name);
      this.timed.delete(name);
      return;
    }
    this.figures.set(name, f);
    this.count(f, 1);
    if (needsAttention(f)) this.attention.add(name);
    else this.attention.delete(name);
    if (f.recheckAt === Infinity) this.timed.delete(name);
    else {
      this.timed.add(name);
      this.nextRecheckAt = Math.min(this.nextRecheckAt, f.recheckAt);
    }
  }

  private count(f: AorFigures, sign: 1 | -1): void {
    for (const status of CONTACT_STATUSES) this.totals.contacts[status] += sign * f.byStatus[status];
    if (f.atLimit) this.totals.atLimit += sign;
    this.totals.stale += sign * f.staleContacts;
  }
}

function emptyStatusCounts(): Record<ContactStatus, number> {
  return { Reachable: 0, Unreachable: 0, NonQualified: 0, Unknown: 0 };
}
