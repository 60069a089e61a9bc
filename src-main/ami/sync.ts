// A full sync: PJSIPShowEndpoints, PJSIPShowAors, PJSIPShowContacts into a RegistrarSnapshot.
// res_pjsip answers an empty list with an error, not an empty EventList (pjsip_configuration.c
// "No endpoints found", location.c "No AORs found" / "No Contacts found").
import type { RegistrarSnapshot } from '../core/types';
import type { AmiConnection } from './connection';
import type { AmiAction } from './writer';
import type { AmiMessage } from './messages';
import { parseAorList, parseContactList, parseEndpointList, type Parsed } from './parsers';

export interface SyncResult {
  snapshot: RegistrarSnapshot;
  /** List items that could not be read; left out of the snapshot. */
  rejected: Array<{ error: string; message: AmiMessage }>;
}

export async function readSnapshot(connection: AmiConnection): Promise<SyncResult> {
  const rejected: SyncResult['rejected'] = [];
  /** Each item is parsed as it arrives: no list keeps its raw blocks until its end. */
  const read = async <T>(action: AmiAction, emptyWhen: string, parse: (m: AmiMessage) => Parsed<T>): Promise<T[]> => {
    const out: T[] = [];
    await connection.list(action, {
      emptyWhen,
      onItem: (m) => {
        const p = parse(m);
        if (p.ok) out.push(p.value);
        else rejected.push({ error: p.error, message: m });
      },
    });
    return out;
  };
  // All three at once: Asterisk answers a session's actions in order, one after another, so
  // pipelining them only saves the round trips between the lists.
  const [endpoints, aors, contacts] = await Promise.all([
    read({ Action: 'PJSIPShowEndpoints' }, 'No endpoints found', parseEndpointList),
    read({ Action: 'PJSIPShowAors' }, 'No AORs found', parseAorList),
    read({ Action: 'PJSIPShowContacts' }, 'No Contacts found', parseContactList),
  ]);
  return { snapshot: { endpoints, aors, contacts }, rejected };
}
