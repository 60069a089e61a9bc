// The registrar's contacts in the AstDB, over AMI: family registrar/contact, key = contact id
// (family-relative: DBGet/DBDel/DBPut take `<aor>;@<hash>`, not DBGetTree's full path).
import { parseStoredContact } from '../core/astdb-contact';
import type { Contact } from '../core/types';
import type { AmiConnection } from './connection';
import { AmiError } from './errors';
import { parseDbGetResponse } from './parsers';

export const CONTACT_FAMILY = 'registrar/contact';
/** main/manager.c action_dbget answers this for a missing key. */
const NOT_FOUND = 'Database entry not found';

export interface StoredContact {
  contact: Contact;
  /** The JSON value exactly as Asterisk stored it: what an Undo puts back. */
  value: string;
}

/** DBGet the contact's stored value; null when the key does not exist. */
export async function readStoredContact(connection: AmiConnection, id: string): Promise<StoredContact | null> {
  const list = await connection.list({ Action: 'DBGet', Family: CONTACT_FAMILY, Key: id }, { emptyWhen: NOT_FOUND });
  const first = list.items[0];
  if (!first) return null;
  const row = parseDbGetResponse(first);
  if (!row.ok) throw new AmiError('protocol', row.error);
  try {
    return { contact: parseStoredContact(id, row.value.value), value: row.value.value };
  } catch (e) {
    throw new AmiError('protocol', `DBGet ${CONTACT_FAMILY}/${id}: ${(e as Error).message}`, { cause: e });
  }
}
