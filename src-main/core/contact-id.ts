// Contact ids as Asterisk builds them: res_pjsip/location.c, ast_sip_location_create_contact,
// names a dynamic contact `<aor>;@<md5 of the contact uri>` and that name is also the AstDB key
// under registrar/contact.
import { createHash } from 'node:crypto';
import { memoize } from './memo';

const AOR_SEPARATOR = ';@';

/** The md5 of the same URI is asked for over and over: each qualify event of a contact, and
 *  the what-if of every endpoint row (a hypothetical phone's URI). */
const md5Hex = memoize((uri) => createHash('md5').update(uri, 'utf8').digest('hex'), 8192);

export function contactId(aor: string, uri: string): string {
  return `${aor}${AOR_SEPARATOR}${md5Hex(uri)}`;
}

/** The AOR part of a contact id. PJSIPShowContacts has no AOR field: this is how to get it. */
export function aorOfContactId(id: string): string {
  const at = id.lastIndexOf(AOR_SEPARATOR);
  if (at <= 0) throw new Error(`not a contact id (expected <aor>;@<hash>): ${JSON.stringify(id)}`);
  return id.slice(0, at);
}
