// The audit log keeps a batch (incident mode) as one unit: a start and an end record around
// entries that carry its id, read back the same after a restart; and "Restore all" tries only
// what the batch removed and has not been restored yet.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, AuditLogError, type AuditIntent } from '../../../src-main/services/audit-log';
import { batchRecord, restorableEntries } from '../../../src-main/services/incident-batch';

const intent = (id: string, extra: Partial<AuditIntent> = {}): AuditIntent => ({
  id,
  at: 1_000,
  action: 'removeContact',
  pbx: 'sandbox',
  contactId: `ep${id};@00`,
  aor: `ep${id}`,
  endpoint: `ep${id}`,
  uri: `sip:ep${id}@127.0.1.1:5060`,
  storedValue: `{"uri":"sip:ep${id}@127.0.1.1:5060"}`,
  ...extra,
});

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'regdesk-audit-batch-'));
  path = join(dir, 'audit.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('batches in the audit log', () => {
  it('reads a batch back after a restart: its start, its end and its entries', async () => {
    const log = await AuditLog.open(path);
    await log.appendBatch({ type: 'batchStart', id: 'b1', at: 1_000, action: 'removeBatch', pbx: 'sandbox', planned: 3, rate: 20 });
    for (const id of ['1', '2', '3']) await log.append({ type: 'intent', ...intent(id, { batchId: 'b1' }) });
    await log.append({ type: 'outcome', id: '1', at: 1_050, outcome: 'done' });
    await log.append({ type: 'outcome', id: '2', at: 1_100, outcome: 'failed', error: 'still in the AstDB after DBDel' });
    await log.append({ type: 'intent', ...intent('9') });
    await log.appendBatch({ type: 'batchEnd', id: 'b1', at: 1_200, state: 'cancelled', done: 1, skipped: 0, failed: 1, notTried: 0 });

    const again = await AuditLog.open(path);
    expect(again.damaged).toEqual([]);
    expect(again.batchEntries('b1').map((e) => [e.id, e.outcome])).toEqual([['1', 'done'], ['2', 'failed'], ['3', 'pending']]);
    expect(batchRecord(again, 'b1')).toMatchObject({ kind: 'remove', state: 'cancelled', planned: 3, done: 1, failed: 1, notTried: 0, restoreOf: null });
    // The pending one may have been removed (the DBDel's answer was lost): Restore all tries it too.
    expect(restorableEntries(again, 'b1').map((e) => e.id)).toEqual(['1', '3']);
  });

  it('counts a batch without its end record as interrupted, and refuses an end for no batch', async () => {
    const log = await AuditLog.open(path);
    await log.appendBatch({ type: 'batchStart', id: 'b2', at: 1_000, action: 'removeBatch', pbx: 'sandbox', planned: 5, rate: 20 });
    expect(batchRecord(log, 'b2')).toMatchObject({ state: 'interrupted', notTried: 5 });
    await expect(log.appendBatch({ type: 'batchEnd', id: 'nope', at: 1, state: 'finished', done: 0, skipped: 0, failed: 0, notTried: 0 })).rejects.toBeInstanceOf(AuditLogError);
    await expect(log.appendBatch({ type: 'batchStart', id: 'b2', at: 1, action: 'removeBatch', pbx: 'x', planned: 1, rate: 1 })).rejects.toBeInstanceOf(AuditLogError);
  });

  it('leaves out of Restore all what a restore already put back', async () => {
    const log = await AuditLog.open(path);
    await log.appendBatch({ type: 'batchStart', id: 'b3', at: 1_000, action: 'removeBatch', pbx: 'sandbox', planned: 2, rate: 20 });
    for (const id of ['1', '2']) {
      await log.append({ type: 'intent', ...intent(id, { batchId: 'b3' }) });
      await log.append({ type: 'outcome', id, at: 1_010, outcome: 'done' });
    }
    await log.append({ type: 'intent', ...intent('r1', { action: 'restoreContact', restoreOf: '1' }) });
    await log.append({ type: 'outcome', id: 'r1', at: 1_020, outcome: 'done' });
    expect(restorableEntries(log, 'b3').map((e) => e.id)).toEqual(['2']);
  });
});
