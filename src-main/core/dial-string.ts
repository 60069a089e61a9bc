// What ${PJSIP_DIAL_CONTACTS(endpoint[,aor[,request_user]])} returns, computed from the state.
// Asterisk: channels/pjsip/dialplan_functions.c, pjsip_acf_dial_contacts_read.
import type { RegistrarState } from './registrar-state';

/**
 * Every AOR of the endpoint, or of the comma-separated `aors` list when given (names trimmed,
 * unknown ones skipped); each contact that is not Unreachable (AST_SIP_CONTACT_FILTER_REACHABLE:
 * NonQualified and not-yet-qualified contacts count) becomes `PJSIP/<endpoint>/<contact uri>`,
 * or `PJSIP/<request_user>@<endpoint>/<contact uri>` with request_user (it goes before the
 * endpoint; the contact URI is left as registered); all joined with `&`. Empty for an unknown
 * endpoint or no contact. Asterisk lists contacts in no fixed order, and Getvar cuts the value
 * at 1024 bytes: this is the uncut string.
 */
export function dialContacts(state: RegistrarState, endpoint: string, aors?: string, requestUser?: string): string {
  const known = state.endpoint(endpoint);
  if (!known) return '';
  const aorNames = aors ? aors.split(',').map((a) => a.trim()) : known.aors;
  const target = requestUser ? `${requestUser}@${endpoint}` : endpoint;
  return aorNames
    .filter((name) => state.aor(name))
    .flatMap((name) => state.contactsOfAor(name))
    .filter((c) => c.status !== 'Unreachable')
    .map((c) => `PJSIP/${target}/${c.uri}`)
    .join('&');
}
