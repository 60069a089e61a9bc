// Incident mode in the services: per PBX, the recent refusals (for "refused now" and the rate),
// the plan and banner computed from the live state, and at most one batch at a time. The
// Electron app, browser mode and (later) the headless service call this through services/create.ts;
// the CLI calls the same plan and runner directly (cli/incident.ts).
import { randomUUID } from 'node:crypto';
import { planStaleRemovals, plannedContacts, type IncidentPlan, type PlanOptions } from '../core/incident-plan';
import { summarizeIncident } from '../core/incident-summary';
import { RefusalWindow } from '../core/refusal-window';
import type { PbxSession } from '../ami/session';
import { ServiceFailure } from './api';
import type { AuditLog } from './audit-log';
import { batchRecord, restoreRemovalBatch, runRemovalBatch } from './incident-batch';
import { DEFAULT_BATCH_RATE, type BatchItemResult, type BatchKind, type BatchProgress, type BatchRecord, type IncidentView } from './incident-types';
import type { PbxLink } from './pbx-link';

export interface IncidentDeskOptions {
  audit: AuditLog;
  now: () => number;
  /** Removals per second when the caller gives none. */
  rate?: number;
  progress(p: BatchProgress): void;
}

interface Running {
  progress: BatchProgress;
  abort: AbortController;
}

export class IncidentDesk {
  private readonly windows = new Map<string, RefusalWindow>();
  private readonly running = new Map<string, Running>();

  constructor(private readonly opts: IncidentDeskOptions) {}

  /** Count this session's refusals; call once per session. */
  track(pbxId: string, session: PbxSession): () => boolean {
    const window = new RefusalWindow();
    this.windows.set(pbxId, window);
    return session.onChange((changes) => {
      for (const c of changes) if (c.kind === 'refused') window.add(c.refusal.endpoint, c.refusal.at, c.refusal.source);
    });
  }

  plan(pbxId: string, link: PbxLink, options: PlanOptions): IncidentPlan {
    return planStaleRemovals(link.requireState(), this.window(pbxId).recent(this.opts.now()), this.opts.now(), options);
  }

  view(pbxId: string, link: PbxLink): IncidentView {
    const state = link.requireState();
    const now = this.opts.now();
    const plan = this.plan(pbxId, link, {});
    return { pbxId, summary: summarizeIncident(plan, state, this.window(pbxId).perMinute(now)), running: this.running.get(pbxId)?.progress ?? null, defaultRate: this.opts.rate ?? DEFAULT_BATCH_RATE };
  }

  /** Start removing the chosen contacts of the plan; resolves once started, progress is pushed. */
  start(pbxId: string, link: PbxLink, contactIds: readonly string[], rate: number | null): BatchProgress {
    if (this.running.has(pbxId)) throw new ServiceFailure('invalidArgument', 'a batch is already running on this PBX: wait for it or cancel it');
    // Every stale contact is eligible: the admin may have switched the plan to all of them.
    const eligible = new Map(plannedContacts(this.plan(pbxId, link, { allStale: true })).map((c) => [c.contactId, c]));
    const chosen = [...new Set(contactIds)];
    const planned = chosen.flatMap((id) => eligible.get(id) ?? []);
    const abort = new AbortController();
    const batchRate = rate ?? this.opts.rate ?? DEFAULT_BATCH_RATE;
    const batchId = randomUUID();
    const notPlanned: BatchItemResult[] = chosen
      .filter((id) => !eligible.has(id))
      .map((id) => ({ contactId: id, endpoint: id.split(';@')[0] ?? id, outcome: 'skipped', reason: 'notPlanned', message: 'no longer stale when the batch started', auditId: null }));
    const withNotPlanned = (p: BatchProgress): BatchProgress =>
      notPlanned.length ? { ...p, total: p.total + notPlanned.length, skipped: p.skipped + notPlanned.length, problems: [...notPlanned, ...p.problems] } : p;
    const entry: Running = { progress: withNotPlanned(initialProgress(pbxId, batchId, 'remove', planned.length, batchRate, this.opts.now())), abort };
    const done = runRemovalBatch(link.session, planned, this.opts.audit, {
      pbxId,
      pbx: pbxId,
      batchId,
      rate: batchRate,
      signal: abort.signal,
      now: this.opts.now,
      onProgress: (p) => {
        entry.progress = withNotPlanned(p);
        if (p.state !== 'running') this.running.delete(pbxId);
        this.opts.progress(entry.progress);
      },
      onItem: (item) => {
        if (item.outcome !== 'done') return;
        link.record(item.endpoint, { at: this.opts.now(), kind: 'removedByAdmin' });
        // The slot is free again: the next refusal of this endpoint is news.
        link.resetAlerts(item.endpoint);
      },
    });
    this.running.set(pbxId, entry);
    done.catch((err: unknown) => {
      // Only the batch's own audit records can get here (the log could not be written).
      this.running.delete(pbxId);
      this.opts.progress({ ...entry.progress, state: 'stopped', endedAt: this.opts.now(), error: (err as Error).message });
    });
    return entry.progress;
  }

  cancel(pbxId: string, batchId: string): void {
    const r = this.running.get(pbxId);
    if (!r || r.progress.batchId !== batchId) throw new ServiceFailure('notFound', `no batch ${batchId} is running on this PBX`);
    r.abort.abort();
  }

  /** Undo a batch ("Restore all"); resolves with its summary. */
  async restore(pbxId: string, link: PbxLink, batchId: string, rate: number | null): Promise<BatchProgress> {
    const b = this.opts.audit.batch(batchId);
    if (!b || b.action !== 'removeBatch') throw new ServiceFailure('notFound', `no removal batch ${batchId} in the audit log`);
    if (this.running.has(pbxId)) throw new ServiceFailure('invalidArgument', 'a batch is already running on this PBX: wait for it or cancel it');
    const abort = new AbortController();
    const restoreId = randomUUID();
    const entry: Running = { progress: initialProgress(pbxId, restoreId, 'restore', b.planned, rate ?? this.opts.rate ?? DEFAULT_BATCH_RATE, this.opts.now()), abort };
    this.running.set(pbxId, entry);
    try {
      return await restoreRemovalBatch(link.session, batchId, this.opts.audit, {
        pbxId,
        pbx: pbxId,
        batchId: restoreId,
        rate: entry.progress.rate,
        signal: abort.signal,
        now: this.opts.now,
        onProgress: (p) => {
          entry.progress = p;
          this.opts.progress(p);
        },
        onItem: (item) => {
          if (item.outcome === 'done') link.record(item.endpoint, { at: this.opts.now(), kind: 'restoredByAdmin' });
        },
      });
    } finally {
      this.running.delete(pbxId);
    }
  }

  /** Every batch in the audit log, newest first. */
  batches(): BatchRecord[] {
    return this.opts.audit
      .batches()
      .map((b) => batchRecord(this.opts.audit, b.id)!)
      .reverse();
  }

  private window(pbxId: string): RefusalWindow {
    let w = this.windows.get(pbxId);
    if (!w) this.windows.set(pbxId, (w = new RefusalWindow()));
    return w;
  }
}

function initialProgress(pbxId: string, batchId: string, kind: BatchKind, total: number, rate: number, at: number): BatchProgress {
  return { pbxId, batchId, kind, state: 'running', total, done: 0, skipped: 0, failed: 0, rate, etaMs: Math.round((total * 1000) / rate), startedAt: at, endedAt: null, problems: [], error: null };
}
