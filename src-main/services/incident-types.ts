// What the front ends see of incident mode (issue 13): the banner, a batch's progress and its
// summary. Plain data: it crosses IPC, the WebSocket and --json unchanged.
import type { IncidentSummary } from '../core/incident-model';

export type { IncidentExplanation, IncidentPlan, IncidentSummary, PlanGroup, PlannedRemoval, RebootingEndpoint } from '../core/incident-model';

/** Removals per second when nothing else is configured: well below what AMI takes, see README. */
export const DEFAULT_BATCH_RATE = 20;
export const MAX_BATCH_RATE = 500;

export type BatchKind = 'remove' | 'restore';
export type BatchState = 'running' | 'finished' | 'cancelled' | 'stopped';

/** Why a contact was skipped or failed. */
export type BatchItemReason =
  /** The contact registered again since the plan (the phone is alive): never deleted. */
  | 'changed'
  /** Gone already (expired, unregistered, removed by someone else). */
  | 'gone'
  /** No longer in the plan when the batch started. */
  | 'notPlanned'
  /** Restore: the contact id is registered again. */
  | 'exists'
  /** Restore: this removal was restored already (by another RegDesk or an earlier Restore all). */
  | 'alreadyRestored'
  /** Restore: its AOR is full again (a phone took the slot). */
  | 'slotTaken'
  /** Asterisk did not apply it (still listed after DBDel, absent after DBPut). */
  | 'notApplied'
  /** The PBX answered with an error, the connection was lost, or the audit log could not be written. */
  | 'error';

export interface BatchItemResult {
  contactId: string;
  endpoint: string;
  outcome: 'done' | 'skipped' | 'failed';
  reason: BatchItemReason | null;
  message: string | null;
  /** The audit entry of this contact's removal or restore, when one was written. */
  auditId: string | null;
}

export interface BatchProgress {
  pbxId: string;
  batchId: string;
  kind: BatchKind;
  state: BatchState;
  total: number;
  done: number;
  skipped: number;
  failed: number;
  /** Removals per second the batch is held to. */
  rate: number;
  /** At the configured rate, for what is left. */
  etaMs: number;
  startedAt: number;
  endedAt: number | null;
  /** Every contact that was skipped or failed so far (the done ones are in the audit log). */
  problems: BatchItemResult[];
  /** Why the batch stopped early (connection lost, audit log not writable). */
  error: string | null;
}

/** The banner of one PBX, and the batch running on it if any. */
export interface IncidentView {
  pbxId: string;
  summary: IncidentSummary;
  running: BatchProgress | null;
  /** Removals per second a batch runs at unless the caller says otherwise. */
  defaultRate: number;
}

/** One batch from the audit log, for history and `regdesk audit`. */
export interface BatchRecord {
  batchId: string;
  kind: BatchKind;
  pbx: string;
  at: number;
  planned: number;
  rate: number;
  restoreOf: string | null;
  state: BatchState | 'interrupted';
  done: number;
  skipped: number;
  failed: number;
  notTried: number;
}
