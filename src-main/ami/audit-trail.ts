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
}

/** Written after the PBX answered. */
export interface AuditOutcome {
  id: string;
  at: number;
  outcome: 'done' | 'failed';
  error?: string;
}

export type AuditRecord = ({ type: 'intent' } & AuditIntent) | ({ type: 'outcome' } & AuditOutcome);

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
