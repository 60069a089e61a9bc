// Running a batch (incident mode): the planned contacts removed one by one with the same safe
// removal as a single one (re-read and compare, audit intent before DBDel, verify after), and
// its Undo. Paced at a fixed rate with one removal in flight per PBX, so the batch never floods
// Asterisk's AMI nor starves the live event stream of the same session. Cancel stops before the
// next contact: the one in flight finishes, so every audit intent gets its outcome.
import { randomUUID } from 'node:crypto';
import type { PlannedRemoval } from '../core/incident-plan';
import type { AuditEntry, BatchAuditTrail } from '../ami/audit-trail';
import { AmiError } from '../ami/errors';
import { RemovalError, removeContact, restoreContact } from '../ami/removal';
import type { PbxSession } from '../ami/session';
import { AuditLogError } from './audit-log';
import { DEFAULT_BATCH_RATE, type BatchItemReason, type BatchItemResult, type BatchKind, type BatchProgress, type BatchRecord } from './incident-types';

export interface BatchOptions {
  pbxId: string;
  /** Recorded in the audit log: profile id or host:port. */
  pbx: string;
  /** Removals per second (DEFAULT_BATCH_RATE when absent). */
  rate?: number;
  signal?: AbortSignal;
  onProgress?: (p: BatchProgress) => void;
  /** After each contact (the services record it in the endpoint's history). */
  onItem?: (item: BatchItemResult) => void;
  now?: () => number;
  /** Waits `ms`; injectable so unit tests need no clock. */
  sleep?: (ms: number) => Promise<void>;
  batchId?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Remove the planned contacts. Resolves with the final progress (the summary); never rejects
 *  for a contact: what happened to each is in the summary and the audit log. */
export async function runRemovalBatch(session: PbxSession, planned: readonly PlannedRemoval[], audit: BatchAuditTrail, opts: BatchOptions): Promise<BatchProgress> {
  return runBatch('remove', planned, audit, opts, null, async (c, batchId) => {
    const r = await removeContact(session, c.contactId, c.uri, audit, {
      pbx: opts.pbx,
      batchId,
      expect: { callId: c.callId, expirationTime: c.expirationTime },
      verify: 'astdb',
      ...(opts.now ? { now: opts.now } : {}),
    });
    return r.auditId;
  });
}

/** What a restore of `batchId` would try: its removals that happened (or may have) and were not undone yet. */
export function restorableEntries(audit: BatchAuditTrail & { entries(): AuditEntry[] }, batchId: string): AuditEntry[] {
  const restored = new Set(audit.entries().filter((e) => e.action === 'restoreContact' && e.outcome === 'done').map((e) => e.restoreOf));
  return audit.batchEntries(batchId).filter((e) => e.action === 'removeContact' && e.outcome !== 'failed' && !restored.has(e.id));
}

/**
 * Undo a batch: each removed contact is put back only if its slot is still free (its AOR below
 * max_contacts) and the phone has not registered it again (restoreContact refuses an existing id);
 * the rest are reported as skipped.
 */
export async function restoreRemovalBatch(session: PbxSession, batchId: string, audit: BatchAuditTrail & { entries(): AuditEntry[] }, opts: BatchOptions): Promise<BatchProgress> {
  const entries = restorableEntries(audit, batchId);
  const items = entries.map((e) => ({ contactId: e.contactId, endpoint: e.endpoint, entry: e }));
  return runBatch('restore', items, audit, opts, batchId, async (item, restoreBatchId) => {
    const state = session.state();
    const aor = state?.aor(item.entry.aor);
    if (state && aor && !state.contact(item.contactId) && state.contactsOfAor(aor.name).length >= aor.maxContacts) {
      throw new SlotTakenError(`the AOR ${aor.name} is full again (${aor.maxContacts} contacts): a phone took the slot; not restored`);
    }
    const r = await restoreContact(session, item.entry.id, audit, { pbx: opts.pbx, batchId: restoreBatchId, ...(opts.now ? { now: opts.now } : {}) });
    return r.auditId;
  });
}

/** A batch as the audit log keeps it. */
export function batchRecord(audit: BatchAuditTrail, batchId: string): BatchRecord | null {
  const b = audit.batch(batchId);
  if (!b) return null;
  return {
    batchId: b.id,
    kind: b.action === 'removeBatch' ? 'remove' : 'restore',
    pbx: b.pbx,
    at: b.at,
    planned: b.planned,
    rate: b.rate,
    restoreOf: b.restoreOf ?? null,
    state: b.end ? b.end.state : 'interrupted',
    done: b.end?.done ?? 0,
    skipped: b.end?.skipped ?? 0,
    failed: b.end?.failed ?? 0,
    notTried: b.end?.notTried ?? b.planned,
  };
}

async function runBatch<T extends { contactId: string; endpoint: string }>(
  kind: BatchKind,
  items: readonly T[],
  audit: BatchAuditTrail,
  opts: BatchOptions,
  restoreOf: string | null,
  one: (item: T, batchId: string) => Promise<string>,
): Promise<BatchProgress> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const rate = opts.rate ?? DEFAULT_BATCH_RATE;
  const intervalMs = 1000 / rate;
  const batchId = opts.batchId ?? randomUUID();
  const startedAt = now();
  const progress: BatchProgress = {
    pbxId: opts.pbxId,
    batchId,
    kind,
    state: 'running',
    total: items.length,
    done: 0,
    skipped: 0,
    failed: 0,
    rate,
    etaMs: Math.round(items.length * intervalMs),
    startedAt,
    endedAt: null,
    problems: [],
    error: null,
  };
  const report = () => opts.onProgress?.({ ...progress, problems: [...progress.problems] });
  await audit.appendBatch({
    type: 'batchStart',
    id: batchId,
    at: startedAt,
    action: kind === 'remove' ? 'removeBatch' : 'restoreBatch',
    pbx: opts.pbx,
    planned: items.length,
    rate,
    ...(restoreOf ? { restoreOf } : {}),
  });
  report();
  let tried = 0;
  for (const item of items) {
    if (opts.signal?.aborted) {
      progress.state = 'cancelled';
      break;
    }
    // Paced on absolute times, so the time each removal takes does not slow the rate down.
    const wait = startedAt + tried * intervalMs - now();
    if (wait > 0) await sleep(wait);
    if (opts.signal?.aborted) {
      progress.state = 'cancelled';
      break;
    }
    tried++;
    const { result, fatal } = await attempt(item, batchId, one);
    progress[result.outcome]++;
    if (result.outcome !== 'done') progress.problems.push(result);
    progress.etaMs = Math.round((items.length - tried) * intervalMs);
    opts.onItem?.(result);
    if (fatal) {
      // Reported below, once batchEnd is in the audit log: a watcher that sees "stopped" can read it there.
      progress.state = 'stopped';
      progress.error = result.message;
      break;
    }
    report();
  }
  if (progress.state === 'running') progress.state = 'finished';
  progress.endedAt = now();
  progress.etaMs = 0;
  await audit.appendBatch({
    type: 'batchEnd',
    id: batchId,
    at: progress.endedAt,
    state: progress.state as Exclude<BatchProgress['state'], 'running'>,
    done: progress.done,
    skipped: progress.skipped,
    failed: progress.failed,
    notTried: items.length - tried,
    ...(progress.error ? { error: progress.error } : {}),
  });
  report();
  return { ...progress, problems: [...progress.problems] };
}

/** Restore: the AOR is full again, so putting the old contact back would exceed max_contacts. */
class SlotTakenError extends Error {}

/** One contact; `fatal`: going on would only fail again (the session is down, or the log cannot be written). */
async function attempt<T extends { contactId: string; endpoint: string }>(
  item: T,
  batchId: string,
  one: (item: T, batchId: string) => Promise<string>,
): Promise<{ result: BatchItemResult; fatal: boolean }> {
  const base = { contactId: item.contactId, endpoint: item.endpoint };
  const skipped = (reason: BatchItemReason, message: string) => ({ result: { ...base, outcome: 'skipped' as const, reason, message, auditId: null }, fatal: false });
  try {
    const auditId = await one(item, batchId);
    return { result: { ...base, outcome: 'done', reason: null, message: null, auditId }, fatal: false };
  } catch (err) {
    if (err instanceof SlotTakenError) return skipped('slotTaken', err.message);
    if (err instanceof RemovalError && err.code !== 'notApplied') return skipped(err.code === 'notFound' ? 'gone' : err.code, err.message);
    const reason: BatchItemReason = err instanceof RemovalError ? 'notApplied' : 'error';
    const fatal = (err instanceof AmiError && (err.code === 'disconnected' || err.code === 'timeout')) || err instanceof AuditLogError;
    return { result: { ...base, outcome: 'failed', reason, message: (err as Error).message, auditId: null }, fatal };
  }
}
