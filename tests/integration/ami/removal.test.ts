import { mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateChange } from '../../../src-main/core/registrar-state';
import { AmiHeaderInjectionError } from '../../../src-main/ami/errors';
import { RemovalError, removeContact, restoreContact } from '../../../src-main/ami/removal';
import { PbxSession } from '../../../src-main/ami/session';
import { AuditLog, AuditLogError } from '../../../src-main/services/audit-log';
import { exchangesOf, scriptFromTranscript, startReplayServer, type ReplayServer } from '../../support/replay-server';
import { recordedContactValues, scriptedAstDb, type ScriptedAstDb } from '../../support/scripted-astdb';
import { readTranscript, type Transcript } from '../../support/transcript';

const a = scriptFromTranscript(readTranscript('a_phone1_two_contacts_queries.txt'), 'S1');
const C = readTranscript('c_dbdel_contact.txt');
const C2 = readTranscript('c2_dbdel_qualified_contact.txt');
const LAB = { host: '127.0.0.1', username: 'lab', secret: 'labsecret', connectTimeoutMs: 1_000, loginTimeoutMs: 1_000, actionTimeoutMs: 2_000 };

const PHONE1_5071 = 'phone1;@0a3d5fd8694a7cbfda62389a11712185';
const PHONE1_5071_URI = 'sip:phone1@127.0.0.1:5071;rinstance=fb89013ea7f8a99e';
const PHONE1_5072 = 'phone1;@ef178cf62147d1aa9d9100f5b20213f6';

let dir: string;
let server: ReplayServer;
let session: PbxSession;
let db: ScriptedAstDb;
let audit: AuditLog;
let changes: StateChange[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'regdesk-removal-'));
  audit = await AuditLog.open(join(dir, 'audit.jsonl'));
});
afterEach(async () => {
  await session?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A live session on a replayed transcript; the lab's endpoints (and AORs where missing) borrowed from a. */
async function liveOn(t: Transcript, borrow: string[]): Promise<void> {
  const script = scriptFromTranscript(t, 'S1');
  db = scriptedAstDb(recordedContactValues(t, 'S1'));
  server = await startReplayServer({ script: { ...script, exchanges: [...script.exchanges, ...exchangesOf(a, borrow)] }, handlers: db.handlers });
  session = PbxSession.start({ ...LAB, port: server.port });
  changes = [];
  session.onChange((batch) => changes.push(...batch));
  await session.whenLive(3_000);
}

const sent = (action: string) => server.received.filter((m) => m.get('Action') === action);

describe('removeContact against transcript c', () => {
  it("deletes the 5071 contact with DBDel and finds one contact left with no event needed", async () => {
    await liveOn(C, ['PJSIPShowEndpoints']);
    expect(session.state()!.contactsOfAor('phone1')).toHaveLength(2);
    const storedBefore = db.values.get(PHONE1_5071)!;

    const result = await removeContact(session, PHONE1_5071, PHONE1_5071_URI, audit);

    expect(sent('DBDel').map((m) => m.toRecord())).toEqual([{ Action: 'DBDel', Family: 'registrar/contact', Key: PHONE1_5071, ActionID: expect.any(String) }]);
    expect(result.aorContacts.map((c) => c.id)).toEqual([PHONE1_5072]);
    expect(session.state()!.contactsOfAor('phone1').map((c) => c.id)).toEqual([PHONE1_5072]);
    expect(changes).toContainEqual({ kind: 'contactRemoved', contactId: PHONE1_5071, uri: PHONE1_5071_URI, aor: 'phone1', endpoint: 'phone1', reason: 'removedByAdmin' });
    expect(audit.entry(result.auditId)).toMatchObject({ action: 'removeContact', contactId: PHONE1_5071, uri: PHONE1_5071_URI, storedValue: storedBefore, outcome: 'done' });
    // The intent is on disk before the outcome, and both survive a reopen.
    expect((await AuditLog.open(audit.path)).entry(result.auditId)!.outcome).toBe('done');
  });

  it('puts the removed contact back with DBPut on Undo, byte for byte, and refuses a second Undo as already restored', async () => {
    await liveOn(C, ['PJSIPShowEndpoints']);
    const storedBefore = db.values.get(PHONE1_5071)!;
    const removal = await removeContact(session, PHONE1_5071, PHONE1_5071_URI, audit);

    const restored = await restoreContact(session, removal.auditId, audit);

    expect(sent('DBPut').map((m) => m.toRecord())).toEqual([{ Action: 'DBPut', Family: 'registrar/contact', Key: PHONE1_5071, Val: storedBefore, ActionID: expect.any(String) }]);
    expect(session.state()!.contact(PHONE1_5071)).toMatchObject({ uri: PHONE1_5071_URI, viaPort: 5071 });
    expect(audit.entry(restored.auditId)).toMatchObject({ action: 'restoreContact', restoreOf: removal.auditId, outcome: 'done' });
    await expect(restoreContact(session, removal.auditId, audit)).rejects.toMatchObject({ code: 'alreadyRestored' });
  });

  it('refuses when the URI differs from what the admin saw: nothing deleted, nothing logged', async () => {
    await liveOn(C, ['PJSIPShowEndpoints']);
    const error = await removeContact(session, PHONE1_5071, 'sip:phone1@127.0.0.1:5071;rinstance=0000', audit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemovalError);
    expect((error as RemovalError).code).toBe('changed');
    expect(sent('DBDel')).toHaveLength(0);
    expect(audit.entries()).toEqual([]);
  });

  it('refuses a contact that is gone from the AstDB', async () => {
    await liveOn(C, ['PJSIPShowEndpoints']);
    db.values.delete(PHONE1_5071);
    await expect(removeContact(session, PHONE1_5071, PHONE1_5071_URI, audit)).rejects.toMatchObject({ code: 'gone' });
    expect(sent('DBDel')).toHaveLength(0);
  });

  it('refuses CR/LF in a contact id before anything reaches Asterisk', async () => {
    await liveOn(C, ['PJSIPShowEndpoints']);
    const before = server.received.length;
    const error = await removeContact(session, `${PHONE1_5071}\r\nAction: DBDelTree`, PHONE1_5071_URI, audit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmiHeaderInjectionError);
    expect(server.received.length).toBe(before);
    expect(session.status().state).toBe('live');
  });

  it('does not delete when the audit log cannot be written (disk full)', async () => {
    await liveOn(C, ['PJSIPShowEndpoints']);
    await unlink(audit.path).catch(() => undefined);
    await symlink('/dev/full', audit.path);
    const error = await removeContact(session, PHONE1_5071, PHONE1_5071_URI, audit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditLogError);
    expect(sent('DBDel')).toHaveLength(0);
    expect(session.state()!.contactsOfAor('phone1')).toHaveLength(2);
  });
});

describe('the DBDel ghost (transcript c2)', () => {
  it('a ContactStatus for the removed URI after removal does not bring the contact back', async () => {
    await liveOn(C2, ['PJSIPShowEndpoints', 'PJSIPShowAors']);
    const [contact] = session.state()!.contactsOfAor('phone3');
    expect(contact).toBeDefined();
    await removeContact(session, contact!.id, contact!.uri, audit);
    expect(session.state()!.contactsOfAor('phone3')).toEqual([]);

    // Asterisk keeps qualifying the deleted contact: replay its recorded Unreachable event.
    const unreachable = C2.chunks.find((c) => c.session === 'S1' && c.direction === 'recv' && c.bytes.includes('ContactStatus: Unreachable'))!;
    server.push(unreachable.bytes);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ghost change')), 2_000);
      session.onChange((batch) => {
        if (batch.some((c) => c.kind === 'ghost')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(session.state()!.contactsOfAor('phone3')).toEqual([]);
    expect(session.state()!.ghosts()).toEqual([expect.objectContaining({ contactId: contact!.id, uri: contact!.uri, status: 'Unreachable' })]);
  });
});
