// What a removal or restore writes to its audit trail, and the little the bridge needs from
// the trail (services/audit-log.ts is the file-backed one). Declared here so the dependency
// points services -> ami, as everywhere else.

export type AuditAction = 'removeContact' | 'restoreContact';

/** Written (and on disk) before the PBX is touched. */
export interface AuditIntent {
  id: string;
  /** Epoch ms. */
  at: number;
  action: AuditAction;
  /** Which PBX: profile id, or host:port. */
  pbx: string;
  contactId: string;
  aor: string;
  endpoint: string;
  uri: string;
  /** The contact's value in the AstDB (registrar/contact/<contactId>), byte for byte. */
  storedValue: string;
  /** For a restore: the removal entry it undoes. */
  restoreOf?: string;
  /** Set when the entry is part of a batch (incident mode): the batch's id. */
  batchId?: string;
}

/** Written after the PBX answered. */
export interface AuditOutcome {
  id: string;
  at: number;
  outcome: 'done' | 'failed';
  error?: string;
}

/** A batch (incident mode) starts: written before its first removal. */
export interface AuditBatchStart {
  id: string;
  at: number;
  action: 'removeBatch' | 'restoreBatch';
  pbx: string;
  /** How many contacts the batch will try. */
  planned: number;
  /** Removals per second. */
  rate: number;
  /** For a restoreBatch: the removeBatch it undoes. */
  restoreOf?: string;
}

/** A batch ends (finished, cancelled or stopped): what happened to its contacts. */
export interface AuditBatchEnd {
  id: string;
  at: number;
  state: 'finished' | 'cancelled' | 'stopped';
  done: number;
  skipped: number;
  failed: number;
  /** Planned but never tried (cancelled or stopped first). */
  notTried: number;
  /** Why it stopped early, when it did. */
  error?: string;
}

export type AuditRecord = ({ type: 'intent' } & AuditIntent) | ({ type: 'outcome' } & AuditOutcome);

/** The records that bracket a batch's entries in the same log. */
export type AuditBatchRecord = ({ type: 'batchStart' } & AuditBatchStart) | ({ type: 'batchEnd' } & AuditBatchEnd);

/** A batch as the log folds it: its start, and its end once written (null while running or interrupted). */
export interface AuditBatch extends AuditBatchStart {
  end: AuditBatchEnd | null;
}

export interface AuditEntry extends AuditIntent {
  /** pending: the intent is recorded but no outcome (interrupted: the PBX must be checked). */
  outcome: 'pending' | 'done' | 'failed';
  outcomeAt: number | null;
  error: string | null;
}

export interface AuditTrail {
  /** Resolves once the record is durable; rejects (and nothing is done) otherwise. */
  append(record: AuditRecord): Promise<void>;
  entry(id: string): AuditEntry | undefined;
  /** All entries, oldest first. */
  entries(): AuditEntry[];
}

/** A trail that also keeps batches (services/audit-log.ts). */
export interface BatchAuditTrail extends AuditTrail {
  appendBatch(record: AuditBatchRecord): Promise<void>;
  batch(id: string): AuditBatch | undefined;
  batchEntries(batchId: string): AuditEntry[];
}
