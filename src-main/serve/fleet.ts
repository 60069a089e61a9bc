// The PBXs `regdesk serve` watches, by name, and what a config reload does to them: an added PBX
// connects, a removed one disconnects, a changed one (any field, or its secret) reconnects, and
// the others are left alone (their sessions, counters and figures go on).
import type { SessionStatus } from '../ami/session';
import { checkHeaderText } from '../ami/writer';
import type { PbxConfig } from './config';
import { PbxWatch } from './pbx-watch';

/** A PBX of the config with its secret read. */
export interface PbxTarget {
  config: PbxConfig;
  secret: string;
}

export interface ReloadOutcome {
  added: string[];
  removed: string[];
  reconnected: string[];
  unchanged: string[];
}

interface Watched {
  target: PbxTarget;
  watch: PbxWatch;
}

export class Fleet {
  private readonly watched = new Map<string, Watched>();

  constructor(
    /** Each PBX's session status as it changes (serve logs them). */
    private readonly onStatus: (name: string, status: SessionStatus) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Make the fleet what `targets` say. */
  async apply(targets: readonly PbxTarget[]): Promise<ReloadOutcome> {
    const next = new Map(targets.map((t) => [t.config.name, t]));
    const outcome: ReloadOutcome = { added: [], removed: [], reconnected: [], unchanged: [] };
    const closing: Array<Promise<void>> = [];
    for (const [name, w] of this.watched) {
      const t = next.get(name);
      if (t && sameTarget(t, w.target)) {
        outcome.unchanged.push(name);
        continue;
      }
      closing.push(w.watch.close());
      this.watched.delete(name);
      (t ? outcome.reconnected : outcome.removed).push(name);
    }
    await Promise.all(closing);
    for (const [name, t] of next) {
      if (this.watched.has(name)) continue;
      this.watched.set(name, { target: t, watch: this.start(t) });
      if (!outcome.reconnected.includes(name)) outcome.added.push(name);
    }
    return outcome;
  }

  watches(): Array<[name: string, watch: PbxWatch]> {
    return [...this.watched].map(([name, w]) => [name, w.watch]);
  }

  /** Names of the PBXs not yet connected once. */
  notYetLive(): string[] {
    return [...this.watched].filter(([, w]) => !w.watch.wasLive()).map(([name]) => name);
  }

  async close(): Promise<void> {
    const all = [...this.watched.values()];
    this.watched.clear();
    await Promise.allSettled(all.map((w) => w.watch.close()));
  }

  private start(t: PbxTarget): PbxWatch {
    checkHeaderText(`the secret of PBX ${t.config.name}`, t.secret);
    const { host, port, user, tls } = t.config;
    const watch = new PbxWatch({ host, port, username: user, secret: t.secret, tls }, this.now);
    watch.session.onStatus((s) => this.onStatus(t.config.name, s));
    return watch;
  }
}

/** Same connection: every field but the name and where it sits in the file (a field added to
 *  PbxConfig later, such as ssh, is compared without a change here), and the same secret. */
function sameTarget(a: PbxTarget, b: PbxTarget): boolean {
  return a.secret === b.secret && connectionOf(a.config) === connectionOf(b.config);
}

function connectionOf(config: PbxConfig): string {
  const { line: _line, name: _name, ...connection } = config;
  return JSON.stringify(connection);
}
