// Incident mode from a terminal (issue 13): `remove --stale` plans (the same plan as the window),
// prints it (--dry-run, the default without --yes) or runs it as one batch with a line per
// contact and a summary; `restore --batch <id>` undoes a batch. Exit: true (0) when every
// planned contact was removed or rightly skipped, false (1) when any failed.
import { planStaleRemovals, plannedContacts, type IncidentPlan, type PlannedRemoval } from '../core/incident-plan';
import { RefusalWindow } from '../core/refusal-window';
import type { PbxSession } from '../ami/session';
import type { AuditLog } from '../services/audit-log';
import { batchRecord, restorableEntries, restoreRemovalBatch, runRemovalBatch } from '../services/incident-batch';
import { type BatchItemResult, type BatchProgress, type BatchRecord } from '../services/incident-types';
import { staleReasonText, table } from './format';

export interface IncidentCliOptions {
  endpoints: string[];
  allStale: boolean;
  dryRun: boolean;
  yes: boolean;
  /** Removals per second. */
  rate: number;
  /** Listen this long for refused REGISTERs before planning (phones retry every 30 to 60 s). */
  listenSeconds: number;
  batchId: string | null;
  /** audit --batches */
  batchesOnly: boolean;
}

type Out = { write(text: string): unknown };

export interface IncidentContext {
  session: PbxSession;
  pbxLabel: string;
  audit: AuditLog;
  json: boolean;
  options: IncidentCliOptions;
  out: Out;
}

/** `regdesk remove --stale ...` */
export async function removeStale(c: IncidentContext): Promise<boolean> {
  const plan = await planAfterListening(c);
  if (!c.options.yes || c.options.dryRun) {
    if (c.json) c.out.write(JSON.stringify(plan, null, 2) + '\n');
    else c.out.write(formatPlan(plan, c.pbxLabel) + (plan.contacts && !c.options.dryRun ? `\nnothing removed: add --yes to remove these ${plan.contacts} contacts\n` : '\n'));
    return true;
  }
  const contacts = plannedContacts(plan);
  if (!c.json) c.out.write(`removing ${contacts.length} stale contacts from ${c.pbxLabel} at ${c.options.rate}/s\n`);
  let n = 0;
  const summary = await runRemovalBatch(c.session, contacts, c.audit, {
    pbxId: c.pbxLabel,
    pbx: c.pbxLabel,
    rate: c.options.rate,
    onItem: (item) => c.out.write(c.json ? JSON.stringify({ event: 'contact', ...item }) + '\n' : itemLine(++n, contacts.length, item) + '\n'),
  });
  c.out.write(c.json ? JSON.stringify({ event: 'summary', ...summary }) + '\n' : summaryLine(summary, 'removed', `undo: regdesk restore --batch ${summary.batchId}`) + '\n');
  return summary.failed === 0 && summary.state === 'finished';
}

/** `regdesk restore --batch <id>` */
export async function restoreBatch(c: IncidentContext, batchId: string): Promise<boolean> {
  const b = c.audit.batch(batchId);
  if (!b || b.action !== 'removeBatch') {
    c.out.write(c.json ? JSON.stringify({ restored: false, reason: 'notFound', batchId }) + '\n' : `no removal batch ${batchId} in the audit log\n`);
    return false;
  }
  let n = 0;
  const total = restorableEntries(c.audit, batchId).length;
  const summary = await restoreRemovalBatch(c.session, batchId, c.audit, {
    pbxId: c.pbxLabel,
    pbx: c.pbxLabel,
    rate: c.options.rate,
    onItem: (item) => c.out.write(c.json ? JSON.stringify({ event: 'contact', ...item }) + '\n' : itemLine(++n, total, item) + '\n'),
  });
  c.out.write(c.json ? JSON.stringify({ event: 'summary', ...summary }) + '\n' : summaryLine(summary, 'restored', '') + '\n');
  return summary.failed === 0 && summary.state === 'finished';
}

/** `regdesk audit`: one line per batch. */
export function formatBatches(batches: BatchRecord[]): string {
  return batches
    .map((b) => `${new Date(b.at).toISOString()}  batch ${b.batchId}  ${b.kind === 'remove' ? 'removeBatch ' : 'restoreBatch'} ${b.state.padEnd(11)} ${b.pbx}  ${b.done} done, ${b.skipped} skipped, ${b.failed} failed, ${b.notTried} not tried of ${b.planned}${b.restoreOf ? `  (undoes ${b.restoreOf})` : ''}`)
    .join('\n');
}

export function auditBatches(audit: AuditLog): BatchRecord[] {
  return audit.batches().map((b) => batchRecord(audit, b.id)!);
}

async function planAfterListening(c: IncidentContext): Promise<IncidentPlan> {
  const window = new RefusalWindow(Math.max(c.options.listenSeconds * 1000, 120_000));
  const stop = c.session.onChange((changes) => {
    for (const ch of changes) if (ch.kind === 'refused') window.add(ch.refusal.endpoint, ch.refusal.at, ch.refusal.source);
  });
  try {
    if (c.options.listenSeconds > 0) {
      if (!c.json) c.out.write(`listening ${c.options.listenSeconds} s for refused REGISTERs on ${c.pbxLabel}...\n`);
      await new Promise((resolve) => setTimeout(resolve, c.options.listenSeconds * 1000));
    }
  } finally {
    stop();
  }
  const now = Date.now();
  return planStaleRemovals(c.session.state()!, window.recent(now), now, { allStale: c.options.allStale, endpoints: c.options.endpoints });
}

function reasonText(c: PlannedRemoval): string {
  if (c.reason === 'leftoverOfRefusedPhone') return `left over by the phone refused from ${c.refusedFrom?.addr}:${c.refusedFrom?.port} (same address, new port)`;
  return staleReasonText({ contactId: c.contactId, reason: c.reason, ...(c.replacedBy ? { supersededBy: c.replacedBy.contactId } : {}) });
}

export function formatPlan(plan: IncidentPlan, pbxLabel: string): string {
  const head = `plan for ${pbxLabel}: ${plan.contacts} stale contact${plan.contacts === 1 ? '' : 's'} on ${plan.groups.length} endpoint${plan.groups.length === 1 ? '' : 's'}`;
  const more = !plan.allStale && plan.notBlocking ? `; ${plan.notBlocking} more block no phone (--all-stale adds them)` : '';
  const rows = plan.groups.flatMap((g) => [
    [g.endpoint, '', '', '', ''],
    ...g.contacts.map((c) => [
      '  ' + c.contactId,
      c.userAgent || '-',
      `${c.viaAddr}:${c.viaPort}`,
      [c.aorAtLimit ? 'AT LIMIT' : '', c.refusedNow ? 'REFUSED' : ''].filter(Boolean).join(', ') || '-',
      reasonText(c),
    ]),
  ]);
  return rows.length ? `${head}${more}\n${table(rows)}` : `${head}${more}`;
}

const ITEM_WORDS: Record<BatchItemResult['outcome'], string> = { done: 'ok     ', skipped: 'skipped', failed: 'FAILED ' };

function itemLine(n: number, total: number, item: BatchItemResult): string {
  const why = item.message ? `: ${item.message}` : '';
  return `[${String(n).padStart(String(total).length)}/${total}] ${ITEM_WORDS[item.outcome]} ${item.contactId}${why}`;
}

function summaryLine(s: BatchProgress, verb: string, undo: string): string {
  const seconds = ((s.endedAt ?? s.startedAt) - s.startedAt) / 1000;
  const end = s.state === 'finished' ? '' : ` (${s.state}${s.error ? `: ${s.error}` : ''})`;
  return `batch ${s.batchId}: ${s.done} ${verb}, ${s.skipped} skipped, ${s.failed} failed of ${s.total} in ${seconds.toFixed(1)} s${end}${undo && s.done ? `; ${undo}` : ''}`;
}
