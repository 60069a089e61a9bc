import { appendFile, mkdtemp, readFile, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, AuditLogError, type AuditIntent } from '../../../src-main/services/audit-log';

const STORED =
  '{"via_addr":"127.0.0.1","qualify_timeout":"3.000000","qualify_2xx_only":"false","call_id":"2c5828aee91576cafbbdd2da@127.0.0.1","reg_server":"","prune_on_boot":"no","path":"","endpoint":"phone1","via_port":"5071","authenticate_qualify":"no","uri":"sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35","qualify_frequency":"0","user_agent":"Grandstream GXP2170 1.0.11.3","expiration_time":"1795676428","outbound_proxy":""}';

const intent = (id: string): AuditIntent => ({
  id,
  at: 1_795_672_829_000,
  action: 'removeContact',
  pbx: '127.0.0.1:5038',
  contactId: 'phone1;@0ca336795b4b748e1af6a94a41d43e4d',
  aor: 'phone1',
  endpoint: 'phone1',
  uri: 'sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35',
  storedValue: STORED,
});

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'regdesk-audit-'));
  path = join(dir, 'logs', 'audit.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('AuditLog', () => {
  it('keeps the stored value byte for byte and folds the outcome into the entry, across reopen', async () => {
    const log = await AuditLog.open(path);
    await log.append({ type: 'intent', ...intent('e1') });
    expect(log.entry('e1')).toMatchObject({ outcome: 'pending', storedValue: STORED });
    await log.append({ type: 'outcome', id: 'e1', at: 1_795_672_830_000, outcome: 'done' });
    const again = await AuditLog.open(path);
    expect(again.entries()).toEqual([{ ...intent('e1'), outcome: 'done', outcomeAt: 1_795_672_830_000, error: null }]);
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(3); // two lines and the final LF
  });

  it('leaves an interrupted removal pending: the intent is there, no outcome is claimed', async () => {
    const log = await AuditLog.open(path);
    await log.append({ type: 'intent', ...intent('e1') });
    expect((await AuditLog.open(path)).entry('e1')).toMatchObject({ outcome: 'pending', outcomeAt: null });
  });

  it('ignores and reports a torn last line, and appends after it on a fresh line', async () => {
    const log = await AuditLog.open(path);
    await log.append({ type: 'intent', ...intent('e1') });
    await appendFile(path, '{"type":"outcome","id":"e1","at":17956');
    const reopened = await AuditLog.open(path);
    expect(reopened.damaged).toEqual([{ line: 2, text: '{"type":"outcome","id":"e1","at":17956' }]);
    expect(reopened.entry('e1')!.outcome).toBe('pending');
    await reopened.append({ type: 'outcome', id: 'e1', at: 2, outcome: 'failed', error: 'x' });
    const third = await AuditLog.open(path);
    expect(third.entry('e1')).toMatchObject({ outcome: 'failed', error: 'x' });
    expect(third.damaged.map((d) => d.line)).toEqual([2]);
  });

  it('gives a clear storage error when the disk is full, and records nothing', async () => {
    const log = await AuditLog.open(path);
    await log.append({ type: 'intent', ...intent('e1') });
    // /dev/full answers every write with ENOSPC: the log file now points there.
    await unlink(path);
    await symlink('/dev/full', path);
    const error = await log.append({ type: 'intent', ...intent('e2') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditLogError);
    expect((error as AuditLogError).code).toBe('storage');
    expect((error as Error).message).toMatch(/disk is full \(ENOSPC\)/);
    expect(log.entry('e2')).toBeUndefined();
  });

  it('refuses an outcome for an unknown entry and a duplicate id', async () => {
    const log = await AuditLog.open(path);
    await expect(log.append({ type: 'outcome', id: 'nope', at: 1, outcome: 'done' })).rejects.toThrow(/unknown entry nope/);
    await log.append({ type: 'intent', ...intent('e1') });
    await expect(log.append({ type: 'intent', ...intent('e1') })).rejects.toThrow(/already exists/);
  });
});
