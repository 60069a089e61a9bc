// Contacts as the registrar keeps them: AstDB family registrar/contact, key = contact id,
// value = core's serializeStoredContact JSON (what res_sorcery_astdb.c writes).
import { parseStoredContactRecord, serializeStoredContact, type StoredContactFlags } from '../core/astdb-contact';
import type { Contact } from '../core/types';
import type { AstDb } from './astdb';

export const CONTACT_FAMILY = 'registrar/contact';
const PREFIX = `/${CONTACT_FAMILY}/`;

/** Every stored contact (or one AOR's), in key order; values that do not parse are skipped,
 *  as sorcery skips an AstDB row it cannot turn into an object. */
export function storedContacts(db: AstDb, aor?: string): Contact[] {
  const rows = aor === undefined ? db.tree(CONTACT_FAMILY) : db.treeByPrefix(CONTACT_FAMILY, `${aor};@`);
  const contacts: Contact[] = [];
  for (const { key, value } of rows) {
    try {
      contacts.push(parseStoredContactRecord(key.slice(PREFIX.length), value).contact);
    } catch {
      // not a contact (a hand-made DBPut): invisible to the registrar
    }
  }
  return contacts;
}

export function storeContact(db: AstDb, c: Contact, flags?: StoredContactFlags): void {
  db.put(CONTACT_FAMILY, c.id, serializeStoredContact(c, flags));
}

export function deleteStoredContact(db: AstDb, id: string): void {
  db.del(CONTACT_FAMILY, id);
}
