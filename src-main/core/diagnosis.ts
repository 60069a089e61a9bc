// Why an AOR refuses phones, which of its contacts look stuck, and the configuration that helps.
import { hasRemoveUnavailable, type AsteriskVersion } from './asterisk-version';
import { expiredContacts, whatIfRegister } from './registrar-rules';
import type { Advice, Aor, AorDiagnosis, Contact, Ghost, StaleMark } from './types';

/** What the advice depends on besides the AOR: the PBX's Asterisk version and whether FreePBX writes its config. */
export interface AdviceContext {
  version: AsteriskVersion | null;
  freepbx: boolean;
}

/** Nothing known about the PBX: only options every supported version has. */
export const UNKNOWN_PBX: AdviceContext = { version: null, freepbx: false };

/** `now` is epoch milliseconds; `endpointNames` (the endpoints using the AOR) name the wizard section of the advice. */
export function diagnoseAor(
  aor: Aor,
  contacts: readonly Contact[],
  ghosts: readonly Ghost[],
  now: number,
  endpointNames: readonly string[] = [],
  context: AdviceContext = UNKNOWN_PBX,
): AorDiagnosis {
  // At the limit = the next new phone would get 403 (registrar rules): full, no remove_existing,
  // and remove_unavailable (if on) has no unreachable contact to make room with.
  const atLimit = whatIfRegister(aor, contacts, now).kind === 'refused';
  return {
    aor: aor.name,
    contacts: contacts.length,
    maxContacts: aor.maxContacts,
    atLimit,
    stale: staleMarks(aor, contacts, ghosts, now),
    advice: atLimit && !aor.removeExisting ? adviceFor(aor, endpointNames, context) : null,
  };
}

/** One mark per contact, with the strongest evidence: expired, then unreachable, then superseded. */
function staleMarks(aor: Aor, contacts: readonly Contact[], ghosts: readonly Ghost[], now: number): StaleMark[] {
  const marks = [
    ...expiredContacts(contacts, now).map((c): StaleMark => ({ contactId: c.id, reason: 'expired' })),
    ...contacts.filter((c) => c.status === 'Unreachable').map((c): StaleMark => ({ contactId: c.id, reason: 'unreachable' })),
    ...supersededContacts(contacts),
    ...ghosts.filter((g) => g.aor === aor.name).map((g): StaleMark => ({ contactId: g.contactId, reason: 'ghost' })),
  ];
  const marked = new Set<string>();
  return marks.filter((m) => !marked.has(m.contactId) && marked.add(m.contactId));
}

/**
 * A phone that rebooted without unregistering comes back with a new Call-ID, usually a new
 * Contact URI (new rinstance) and often a new source port (the FAP003 case: a new NAT or
 * socket port after the reboot), so Asterisk keeps both bindings. What still ties them to one
 * device is the address in the Via the phone wrote (ViaAddr) and its User-Agent: DESIGN's rule,
 * "an older contact from the same source address and user agent as a newer one". The port is
 * deliberately not part of it, or the common case would never be flagged. The price: two live
 * phones of the same model and firmware behind one address on one AOR look like one device;
 * the mark is a candidate, and removal re-reads first, is audited and can be undone (a live
 * phone would also come back at its next re-REGISTER). A contact that answers qualify
 * (Reachable) is alive whatever it shares, so it is never marked. Of a group, all but the newest are
 * superseded; newest = latest expiration time (the last REGISTER), ties broken by Call-ID
 * order so the answer is stable.
 */
function supersededContacts(contacts: readonly Contact[]): StaleMark[] {
  const newestByDevice = new Map<string, Contact>();
  for (const c of contacts) {
    if (!c.viaAddr || !c.userAgent) continue; // an incomplete contact tells nothing yet
    const device = deviceOf(c);
    const best = newestByDevice.get(device);
    if (!best || isNewer(c, best)) newestByDevice.set(device, c);
  }
  const marks: StaleMark[] = [];
  for (const c of contacts) {
    const newest = newestByDevice.get(deviceOf(c));
    if (newest && newest !== c && c.status !== 'Reachable') marks.push({ contactId: c.id, reason: 'supersededBySameDevice', supersededBy: newest.id });
  }
  return marks;
}

/** Via address and User-Agent; NUL cannot occur in either (SIP header values exclude it). */
function deviceOf(c: Contact): string {
  return `${c.viaAddr}\u0000${c.userAgent}`;
}

function isNewer(a: Contact, b: Contact): boolean {
  return a.expirationTime !== b.expirationTime ? a.expirationTime > b.expirationTime : a.callId > b.callId;
}

/**
 * The lines that stop an AOR from refusing phones, to merge into its existing section.
 * - remove_existing = yes: at the limit, a new binding replaces the existing contact(s) that
 *   expire soonest (remove_excess_contacts). It does not look at the address: it drops the
 *   oldest registration, which is the stuck one when a phone re-registers.
 * - remove_unavailable = yes: before refusing, drop contacts whose qualify says Unreachable,
 *   and prefer them when remove_existing picks. Only meaningful with qualify_frequency > 0
 *   (without qualify no contact is ever Unreachable), so it is offered only then.
 *   It exists from 18.8 (16.22, 19.0): never advised to a PBX whose version lacks it or is unknown.
 * In pjsip.conf an endpoint and its AOR often share a section name: `type=aor` says which one.
 * In pjsip_wizard.conf the AOR's options carry the `aor/` prefix in the wizard's section.
 * On FreePBX the generated pjsip.aor.conf is rewritten by every Apply Config, and it writes
 * remove_existing=no whenever the extension's Max Contacts is 2 or more (FREEPBX.md): the lines
 * go to pjsip.aor_custom_post.conf as an append section `[N](+)`, max_contacts staying the GUI's.
 */
export function adviceFor(aor: Aor, endpointNames: readonly string[], context: AdviceContext = UNKNOWN_PBX): Advice {
  const wantsRemoveUnavailable = aor.qualifyFrequency > 0;
  const removeUnavailable = wantsRemoveUnavailable && hasRemoveUnavailable(context.version);
  const removal: Array<[string, string]> = [['remove_existing', 'yes'], ...(removeUnavailable ? [['remove_unavailable', 'yes'] as [string, string]] : [])];
  // max_contacts = 0 forbids registering at all; remove_existing needs at least one slot.
  const options: Array<[string, string]> = [['max_contacts', String(Math.max(aor.maxContacts, 1))], ...removal];
  // A wizard names the endpoint and the AOR it creates after its own section.
  const wizardSection = endpointNames.includes(aor.name) || endpointNames.length === 0 ? aor.name : endpointNames[0]!;
  return {
    aor: aor.name,
    pjsipConf: [`[${aor.name}]`, 'type=aor', ...options.map(([k, v]) => `${k}=${v}`)].join('\n'),
    wizardConf: [`[${wizardSection}]`, 'type = wizard', ...options.map(([k, v]) => `aor/${k} = ${v}`)].join('\n'),
    freepbxConf: context.freepbx ? [FREEPBX_AOR_CUSTOM_POST_COMMENT, `[${aor.name}](+)`, ...removal.map(([k, v]) => `${k}=${v}`)].join('\n') : null,
    omitted: wantsRemoveUnavailable && !removeUnavailable ? ['remove_unavailable'] : [],
  };
}

export const FREEPBX_AOR_CUSTOM_POST = '/etc/asterisk/pjsip.aor_custom_post.conf';
const FREEPBX_AOR_CUSTOM_POST_COMMENT = `; ${FREEPBX_AOR_CUSTOM_POST}`;
