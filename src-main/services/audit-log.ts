// The removal audit log: append-only JSON Lines, one record per line, each append fsync'd
// before it returns. A removal writes its intent (with the contact's full stored AstDB value)
// before the DBDel and its outcome after: a crash in between leaves an entry 'pending' (the
// removal may or may not have happened, and Undo can still put the value back), never an
// entry that claims a removal that did not happen, and never a removal without its entry.
// A torn last line (crash mid-write) is skipped on read and reported in `damaged`.
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditBatch, AuditBatchRecord, AuditEntry, AuditRecord, BatchAuditTrail } from '../ami/audit-trail';

export type { AuditAction, AuditBatch, AuditBatchRecord, AuditEntry, AuditIntent, AuditOutcome, AuditRecord } from '../ami/audit-trail';

export class AuditLogError extends Error {
  override readonly name = 'AuditLogError';
  constructor(
    readonly code: 'storage' | 'invalid',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class AuditLog implements BatchAuditTrail {
  private readonly byId = new Map<string, AuditEntry>();
  private readonly batchesById = new Map<string, AuditBatch>();
  private tail: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    /** Lines that could not be read (a torn last line after a crash), skipped. */
    readonly damaged: Array<{ line: number; text: string }>,
  ) {}

  /** Open (creating if absent) and read the log. */
  static async open(path: string): Promise<AuditLog> {
    await mkdir(dirname(path), { recursive: true });
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw storageError(path, e);
    }
    const log = new AuditLog(path, []);
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.length === 0) return;
      const record = parseRecord(line);
      if (record) log.fold(record);
      else log.damaged.push({ line: i + 1, text: line });
    });
    // After a torn last line, the next record must start on a line of its own.
    if (text.length > 0 && !text.endsWith('\n')) await log.write('\n');
    return log;
  }

  /** Append one record and fsync it. Rejects with AuditLogError('storage') if it is not on disk. */
  append(record: AuditRecord): Promise<void> {
    if (record.type === 'outcome' && !this.byId.has(record.id)) {
      return Promise.reject(new AuditLogError('invalid', `audit outcome for unknown entry ${record.id}`));
    }
    if (record.type === 'intent' && this.byId.has(record.id)) {
      return Promise.reject(new AuditLogError('invalid', `audit entry ${record.id} already exists`));
    }
    return this.write(`${JSON.stringify(record)}\n`).then(() => this.fold(record));
  }

  /** Append a batch's start or end record (incident mode), fsync'd like every record. */
  appendBatch(record: AuditBatchRecord): Promise<void> {
    if (record.type === 'batchStart' && this.batchesById.has(record.id)) {
      return Promise.reject(new AuditLogError('invalid', `audit batch ${record.id} already exists`));
    }
    if (record.type === 'batchEnd' && !this.batchesById.has(record.id)) {
      return Promise.reject(new AuditLogError('invalid', `audit batch end for unknown batch ${record.id}`));
    }
    return this.write(`${JSON.stringify(record)}\n`).then(() => this.fold(record));
  }

  /** All entries, oldest first, each with its latest outcome. */
  entries(): AuditEntry[] {
    return [...this.byId.values()];
  }

  entry(id: string): AuditEntry | undefined {
    return this.byId.get(id);
  }

  /** Batches (incident mode), oldest first. */
  batches(): AuditBatch[] {
    return [...this.batchesById.values()];
  }

  batch(id: string): AuditBatch | undefined {
    return this.batchesById.get(id);
  }

  /** The entries of one batch, in the order they were written. */
  batchEntries(batchId: string): AuditEntry[] {
    return this.entries().filter((e) => e.batchId === batchId);
  }

  /** Appends run one after another; each opens, writes, fsyncs and closes the file, so a
   *  record is on disk before its promise resolves and a moved or rotated file is followed. */
  private write(text: string): Promise<void> {
    const run = this.tail.then(async () => {
      let handle;
      try {
        handle = await open(this.path, 'a');
        await handle.write(text);
        await handle.sync();
      } catch (e) {
        throw storageError(this.path, e);
      } finally {
        await handle?.close().catch(() => undefined);
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private fold(record: AuditRecord | AuditBatchRecord): void {
    if (record.type === 'batchStart') {
      const { type: _type, ...start } = record;
      this.batchesById.set(record.id, { ...start, end: null });
      return;
    }
    if (record.type === 'batchEnd') {
      const batch = this.batchesById.get(record.id);
      const { type: _type, ...end } = record;
      if (batch) this.batchesById.set(record.id, { ...batch, end });
      return;
    }
    if (record.type === 'intent') {
      const { type: _type, ...intent } = record;
      this.byId.set(record.id, { ...intent, outcome: 'pending', outcomeAt: null, error: null });
      return;
    }
    const entry = this.byId.get(record.id);
    if (entry) this.byId.set(record.id, { ...entry, outcome: record.outcome, outcomeAt: record.at, error: record.error ?? null });
  }
}

/** One line of the log as a record; null for a torn or foreign line. */
export function parseRecord(line: string): AuditRecord | AuditBatchRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.at !== 'number') return null;
  if (r.type === 'intent' && typeof r.contactId === 'string' && typeof r.storedValue === 'string') return value as AuditRecord;
  if (r.type === 'outcome' && (r.outcome === 'done' || r.outcome === 'failed')) return value as AuditRecord;
  if (r.type === 'batchStart' && typeof r.planned === 'number') return value as AuditBatchRecord;
  if (r.type === 'batchEnd' && typeof r.done === 'number') return value as AuditBatchRecord;
  return null;
}

function storageError(path: string, e: unknown): AuditLogError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' ? 'the disk is full (ENOSPC)' : code === 'EACCES' || code === 'EPERM' ? `permission denied (${code})` : (code ?? (e as Error).message);
  return new AuditLogError('storage', `cannot write the audit log ${path}: ${why}`, { cause: e });
}
