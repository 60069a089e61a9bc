// Contacts as the registrar keeps them: AstDB family registrar/contact, key = contact id,
// value = core's serializeStoredContact JSON (what res_sorcery_astdb.c writes).
import { parseStoredContactRecord, serializeStoredContact } from '../core/astdb-contact';
import type { Contact } from '../core/types';
import type { AstDb } from './astdb';

export const CONTACT_FAMILY = 'registrar/contact';
const PREFIX = `/${CONTACT_FAMILY}/`;

/** Every stored contact, in key order; values that do not parse are skipped, as sorcery
 *  skips an AstDB row it cannot turn into an object. */
export function storedContacts(db: AstDb): Contact[] {
  const contacts: Contact[] = [];
  for (const { key, value } of db.tree(CONTACT_FAMILY)) {
    const id = key.slice(PREFIX.length);
    try {
      contacts.push(parseStoredContactRecord(id, value).contact);
    } catch {
      // not a contact (a hand-made DBPut): invisible to the registrar
    }
  }
  return contacts;
}

export function storeContact(db: AstDb, c: Contact): void {
  db.put(CONTACT_FAMILY, c.id, serializeStoredContact(c));
}

export function deleteStoredContact(db: AstDb, id: string): void {
  db.del(CONTACT_FAMILY, id);
}
