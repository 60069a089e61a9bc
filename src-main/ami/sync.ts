// A full sync: PJSIPShowEndpoints, PJSIPShowAors, PJSIPShowContacts into a RegistrarSnapshot.
// res_pjsip answers an empty list with an error, not an empty EventList (pjsip_configuration.c
// "No endpoints found", location.c "No AORs found" / "No Contacts found").
import type { RegistrarSnapshot } from '../core/types';
import type { AmiConnection } from './connection';
import type { AmiMessage } from './messages';
import { parseAorList, parseContactList, parseEndpointList, type Parsed } from './parsers';

export interface SyncResult {
  snapshot: RegistrarSnapshot;
  /** List items that could not be read; left out of the snapshot. */
  rejected: Array<{ error: string; message: AmiMessage }>;
}

export async function readSnapshot(connection: AmiConnection): Promise<SyncResult> {
  const rejected: SyncResult['rejected'] = [];
  const keep = <T>(items: AmiMessage[], parse: (m: AmiMessage) => Parsed<T>): T[] => {
    const out: T[] = [];
    for (const m of items) {
      const p = parse(m);
      if (p.ok) out.push(p.value);
      else rejected.push({ error: p.error, message: m });
    }
    return out;
  };
  const endpoints = await connection.list({ Action: 'PJSIPShowEndpoints' }, { emptyWhen: 'No endpoints found' });
  const aors = await connection.list({ Action: 'PJSIPShowAors' }, { emptyWhen: 'No AORs found' });
  const contacts = await connection.list({ Action: 'PJSIPShowContacts' }, { emptyWhen: 'No Contacts found' });
  return {
    snapshot: {
      endpoints: keep(endpoints.items, parseEndpointList),
      aors: keep(aors.items, parseAorList),
      contacts: keep(contacts.items, parseContactList),
    },
    rejected,
  };
}
