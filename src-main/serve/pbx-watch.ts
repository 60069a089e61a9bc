// One PBX watched by `regdesk serve`: its AMI session (the same bridge the app uses), the
// per-AOR figures kept up to date as changes arrive (a scrape reads them; it does not diagnose
// 1,000 AORs per PBX each time), refusals, reconnects and the Asterisk version.
import { aorFigures, exportsAorSeries, refusingAor, type AorFigures } from '../core/aor-figures';
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
  private readonly figures = new Map<string, AorFigures>();
  private readonly lastRefusedAt = new Map<string, number>();
  private readonly refusals = new ScrapedCounter();
  private state: RegistrarState | null = null;
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
    const contacts: Record<ContactStatus, number> = { Reachable: 0, Unreachable: 0, NonQualified: 0, Unknown: 0 };
    let aorsAtLimit = 0;
    let staleContacts = 0;
    const aors: AorFigures[] = [];
    for (const [name, cached] of this.figures) {
      const f = cached.recheckAt <= now ? this.refresh(name) ?? cached : cached;
      for (const status of Object.keys(contacts) as ContactStatus[]) contacts[status] += f.byStatus[status];
      if (f.atLimit) aorsAtLimit++;
      staleContacts += f.staleContacts;
      if (allAors || exportsAorSeries(f, this.lastRefusedAt.get(name) ?? null, now)) aors.push(f);
    }
    return {
      up: this.session.status().state === 'live',
      asteriskVersion: this.version,
      reconnects: Math.max(0, this.lives - 1),
      events: this.session.eventsReceived(),
      endpoints: this.state?.endpoints().length ?? 0,
      contacts,
      aorsAtLimit,
      staleContacts,
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
      this.figures.clear();
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
    const aor = refusingAor(state.endpoint(endpoint)?.aors ?? [], (name) => this.figures.get(name));
    if (aor) this.lastRefusedAt.set(aor, at);
  }

  /** Recompute one AOR's figures from the state; drops an AOR the state no longer has. */
  private refresh(name: string): AorFigures | undefined {
    const state = this.state;
    const aor = state?.aor(name);
    if (!state || !aor) {
      this.figures.delete(name);
      return undefined;
    }
    const f = aorFigures(aor, state.contactsOfAor(name), state.ghosts().filter((g) => g.aor === name), this.now());
    this.figures.set(name, f);
    return f;
  }
}
