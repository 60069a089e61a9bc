// Safe removal of a stuck contact, and its Undo. There is no AMI action that removes an
// inbound contact: the way is the AstDB (DBDel registrar/contact <id>), and Asterisk sends no
// event for it (FACTS), so the bridge re-reads to verify. Order, for crash safety:
//   re-read (DBGet) and compare -> audit intent (fsync'd, with the full stored value)
//   -> DBDel -> mark removed in the state -> re-read the AOR -> audit outcome.
// If the audit intent cannot be written, nothing is deleted. If the connection dies between
// DBDel and its answer, the entry stays 'pending': the log never claims an outcome it did not see.
import { randomUUID } from 'node:crypto';
import type { Contact } from '../core/types';
import { CONTACT_FAMILY, readStoredContact } from './astdb';
import type { AuditTrail } from './audit-trail';
import type { AmiConnection } from './connection';
import { AmiActionError } from './errors';
import { parseContactList } from './parsers';
import type { PbxSession } from './session';

export type RemovalErrorCode =
  /** The contact is not in the AstDB any more (expired, unregistered, removed by someone else). */
  | 'gone'
  /** The contact under that id is not the one the admin saw. */
  | 'changed'
  /** Restore: a contact with that id is registered again; putting the old value back would overwrite it. */
  | 'exists'
  /** Restore: this removal was already undone (by this or another RegDesk sharing the audit log). */
  | 'alreadyRestored'
  /** Asterisk still lists the contact after DBDel, or does not after DBPut. */
  | 'notApplied'
  /** Restore: no such removal in the audit log, or one that did not happen. */
  | 'notFound';

export class RemovalError extends Error {
  override readonly name = 'RemovalError';
  constructor(
    readonly code: RemovalErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RemovalOptions {
  /** Recorded in the audit entry: profile id or host:port. Defaults to the connection's host:port. */
  pbx?: string;
  /** Epoch ms. */
  now?: () => number;
  /** Part of a batch (incident mode): recorded on the audit entry. */
  batchId?: string;
  /**
   * The contact as the plan saw it. A REGISTER refreshing the contact moves its expiration time
   * (and a new binding under the same URI brings a new Call-ID): then the phone is alive and the
   * removal is refused as 'changed'.
   */
  expect?: { callId: string; expirationTime: number };
  /**
   * How to check the DBDel took: 'contactList' (default) re-reads PJSIPShowContacts; 'astdb' re-reads
   * the one key (DBGet), which is what PJSIPShowContacts lists (FACTS), for batches where listing
   * every contact of the PBX per removal would flood AMI.
   */
  verify?: 'contactList' | 'astdb';
}

export interface RemovalResult {
  auditId: string;
  contactId: string;
  /** The AOR's contacts as Asterisk lists them after the change. */
  aorContacts: Contact[];
}

export async function removeContact(session: PbxSession, contactId: string, expectedUri: string, audit: AuditTrail, options: RemovalOptions = {}): Promise<RemovalResult> {
  const now = options.now ?? Date.now;
  const connection = session.liveConnection();
  const stored = await readStoredContact(connection, contactId);
  if (!stored) throw new RemovalError('gone', `contact ${contactId} is no longer in the AstDB (it expired, unregistered or was removed): nothing to remove`);
  if (stored.contact.uri !== expectedUri) {
    throw new RemovalError('changed', `contact ${contactId} is now ${stored.contact.uri}, not ${expectedUri}: refresh and check again`);
  }
  const expected = options.expect;
  if (expected && (stored.contact.callId !== expected.callId || stored.contact.expirationTime !== expected.expirationTime)) {
    throw new RemovalError('changed', `contact ${contactId} registered again since it was planned (the phone is alive): not removed`);
  }
  const { aor, endpoint } = stored.contact;
  const auditId = randomUUID();
  await audit.append({
    type: 'intent',
    id: auditId,
    at: now(),
    action: 'removeContact',
    pbx: options.pbx ?? connection.where,
    contactId,
    aor,
    endpoint,
    uri: stored.contact.uri,
    storedValue: stored.value,
    ...(options.batchId ? { batchId: options.batchId } : {}),
  });
  try {
    await connection.send({ Action: 'DBDel', Family: CONTACT_FAMILY, Key: contactId });
  } catch (e) {
    // An answer from Asterisk is an outcome; a lost connection or timeout is not (entry stays pending).
    if (!(e instanceof AmiActionError)) throw e;
    await audit.append({ type: 'outcome', id: auditId, at: now(), outcome: 'failed', error: e.message });
    // manager.c action_dbdel answers this for a missing key (FACTS); anything else (e.g. Permission denied) is not "gone".
    const gone = e.amiMessage === 'Database entry could not be deleted';
    throw new RemovalError(gone ? 'gone' : 'notApplied', `Asterisk did not delete ${contactId}: ${e.amiMessage}`);
  }
  // Mark at once: a qualify event for the deleted contact (the ghost) may arrive any moment now.
  session.change((state) => state.markRemovedByAdmin(contactId, now()));
  if (options.verify === 'astdb') return verifyKeyGone(session, connection, contactId, aor, auditId, audit, now);
  const aorContacts = await readAorContacts(connection, aor);
  if (aorContacts.some((c) => c.id === contactId)) {
    await audit.append({ type: 'outcome', id: auditId, at: now(), outcome: 'failed', error: 'still listed by PJSIPShowContacts after DBDel' });
    session.change((state) => {
      state.clearRemovedMark(contactId);
      return aorContacts.flatMap((c) => state.upsertContact(c));
    });
    throw new RemovalError('notApplied', `Asterisk still lists ${contactId} after DBDel`);
  }
  await audit.append({ type: 'outcome', id: auditId, at: now(), outcome: 'done' });
  session.change((state) => aorContacts.flatMap((c) => state.upsertContact(c)));
  return { auditId, contactId, aorContacts };
}

/** Undo a removal: DBPut the stored value back under the same key. */
export async function restoreContact(session: PbxSession, auditEntryId: string, audit: AuditTrail, options: RemovalOptions = {}): Promise<RemovalResult> {
  const now = options.now ?? Date.now;
  const removal = audit.entry(auditEntryId);
  if (!removal || removal.action !== 'removeContact') throw new RemovalError('notFound', `no removal ${auditEntryId} in the audit log`);
  if (removal.outcome === 'failed') throw new RemovalError('notFound', `removal ${auditEntryId} did not happen (${removal.error ?? 'failed'}): nothing to restore`);
  const done = audit.entries().find((e) => e.restoreOf === auditEntryId && e.outcome === 'done');
  if (done) {
    throw new RemovalError('alreadyRestored', `removal ${auditEntryId} was already restored at ${new Date(done.outcomeAt ?? done.at).toISOString()} (audit ${done.id})`);
  }
  const { contactId, aor } = removal;
  const connection = session.liveConnection();
  if (await readStoredContact(connection, contactId)) {
    throw new RemovalError('exists', `contact ${contactId} is registered again; restoring the old value would overwrite the phone's new registration`);
  }
  const auditId = randomUUID();
  await audit.append({
    type: 'intent',
    id: auditId,
    at: now(),
    action: 'restoreContact',
    pbx: options.pbx ?? connection.where,
    contactId,
    aor,
    endpoint: removal.endpoint,
    uri: removal.uri,
    storedValue: removal.storedValue,
    restoreOf: auditEntryId,
    ...(options.batchId ? { batchId: options.batchId } : {}),
  });
  try {
    await connection.send({ Action: 'DBPut', Family: CONTACT_FAMILY, Key: contactId, Val: removal.storedValue });
  } catch (e) {
    if (e instanceof AmiActionError) await audit.append({ type: 'outcome', id: auditId, at: now(), outcome: 'failed', error: e.message });
    throw e;
  }
  session.change((state) => {
    state.clearRemovedMark(contactId);
    return [];
  });
  // Re-read from the AstDB, which is what DBPut wrote (whether PJSIPShowContacts shows it at
  // once is not recorded in the transcripts; sorcery's astdb wizard reads the AstDB directly).
  const restored = await readStoredContact(connection, contactId);
  if (!restored || restored.value !== removal.storedValue) {
    await audit.append({ type: 'outcome', id: auditId, at: now(), outcome: 'failed', error: 'not in the AstDB after DBPut' });
    throw new RemovalError('notApplied', `the AstDB does not hold ${contactId} after DBPut`);
  }
  await audit.append({ type: 'outcome', id: auditId, at: now(), outcome: 'done' });
  session.change((state) => state.upsertContact(restored.contact));
  return { auditId, contactId, aorContacts: session.state()?.contactsOfAor(aor) ?? [restored.contact] };
}

/** After DBDel in a batch: one DBGet says whether the key is gone; the state already knows the rest. */
async function verifyKeyGone(session: PbxSession, connection: AmiConnection, contactId: string, aor: string, auditId: string, audit: AuditTrail, now: () => number): Promise<RemovalResult> {
  if (await readStoredContact(connection, contactId)) {
    await audit.append({ type: 'outcome', id: auditId, at: now(), outcome: 'failed', error: 'still in the AstDB after DBDel' });
    session.change((state) => {
      state.clearRemovedMark(contactId);
      return [];
    });
    throw new RemovalError('notApplied', `Asterisk still holds ${contactId} after DBDel`);
  }
  await audit.append({ type: 'outcome', id: auditId, at: now(), outcome: 'done' });
  return { auditId, contactId, aorContacts: session.state()?.contactsOfAor(aor) ?? [] };
}

/** The AOR's contacts as Asterisk lists them now (PJSIPShowContacts has no filter; the AOR is the id's prefix). */
async function readAorContacts(connection: AmiConnection, aor: string): Promise<Contact[]> {
  const list = await connection.list({ Action: 'PJSIPShowContacts' }, { emptyWhen: 'No Contacts found' });
  const out: Contact[] = [];
  for (const m of list.items) {
    const p = parseContactList(m);
    if (p.ok && p.value.aor === aor) out.push(p.value);
  }
  return out;
}
