// What Asterisk's registrar decides for one REGISTER to one AOR, stated in TypeScript.
// Source: res/res_pjsip_registrar.c (Asterisk 22): registrar_on_rx_request, register_aor_core,
// registrar_validate_contacts, registrar_get_expiration, remove_excess_contacts,
// vec_contact_cmp, and the expiry thread (check_expiration_thread / expire_contact).
// Permanent (static) contacts are not modelled: RegDesk only sees registered ones.
import { contactId } from './contact-id';
import { isSipUri, sipUriEquals } from './sip-uri';
import type { Aor, Contact, RegisterOutcome, RegisterRequest, WhatIf } from './types';

type Binding = { uri: string; expires: number | null };

/**
 * registrar_get_expiration: the Contact's ;expires, else the Expires header, else
 * default_expiration. 0 means unregister and is never clamped; anything else is raised to
 * minimum_expiration (raised, not refused: Asterisk never answers 423) or capped at
 * maximum_expiration.
 */
export function registrationExpiration(aor: Aor, contactExpires: number | null, expiresHeader: number | null): number {
  const asked = contactExpires ?? expiresHeader ?? aor.defaultExpiration;
  if (asked === 0) return 0;
  if (asked < aor.minimumExpiration) return aor.minimumExpiration;
  if (asked > aor.maximumExpiration) return aor.maximumExpiration;
  return asked;
}

/**
 * The REGISTER's effect on the AOR. Asterisk does not look at CSeq here (the pjsip transaction
 * layer absorbs retransmissions), so neither does this; a refresh keeps the binding's Via and
 * Call-ID as first stored and updates only its expiration, User-Agent and qualify settings
 * (register_aor_core copies nothing else into contact_update).
 */
export function admitRegister(aor: Aor, current: readonly Contact[], req: RegisterRequest): RegisterOutcome {
  // registrar_on_rx_request: max_contacts = 0 means registration is not permitted at all (403).
  if (aor.maxContacts === 0) return refused(aor);

  const invalid = invalidReason(req);
  if (invalid) return { kind: 'invalid', reason: invalid, sipStatus: 400 };
  const bindings = req.bindings === '*' ? [] : req.bindings.filter((b) => isSipUri(b.uri));
  const expirationOf = (b: Binding) => registrationExpiration(aor, b.expires, req.expiresHeader);

  // registrar_validate_contacts: classify each binding against the contacts as they are now.
  let newBindings = 0;
  let updated = 0;
  let deleted = req.bindings === '*' ? current.length : 0;
  for (const b of bindings) {
    const exists = current.some((c) => sipUriEquals(b.uri, c.uri));
    const expiration = expirationOf(b);
    if (!exists) newBindings += expiration ? 1 : 0;
    else if (expiration) updated++;
    else deleted++;
  }

  let contacts = [...current];
  const dropped: Contact[] = [];
  const drop = (victims: Contact[]) => {
    dropped.push(...victims.filter((v) => !dropped.includes(v)));
    contacts = contacts.filter((c) => !victims.includes(c));
  };

  // remove_existing counts only what this REGISTER binds; otherwise everything that will remain.
  let contactCount = aor.removeExisting
    ? Math.max(updated + newBindings - deleted, 0)
    : contacts.length + newBindings - deleted;

  // remove_unavailable: drop unreachable contacts first, but only if that alone makes room.
  if (contactCount > aor.maxContacts && aor.removeUnavailable) {
    const unavailable = contacts.filter((c) => c.status === 'Unreachable');
    if (contactCount - unavailable.length <= aor.maxContacts) {
      drop(excessContacts(aor, unavailable, contactCount - aor.maxContacts));
      contactCount = contacts.length + newBindings - deleted;
    }
  }

  if (contactCount > aor.maxContacts) return refused(aor);

  // The contacts this REGISTER does not touch: remove_existing may drop them afterwards.
  let untouched: Contact[] | null = aor.removeExisting ? [...current] : null;
  const added: Contact[] = [];
  const refreshed: Contact[] = [];
  const unregistered: Contact[] = [];

  if (req.bindings === '*') {
    unregistered.push(...contacts);
    contacts = [];
    untouched = null;
  }
  for (const b of bindings) {
    const expiration = expirationOf(b);
    const existing = contacts.find((c) => sipUriEquals(b.uri, c.uri));
    if (existing) {
      contacts = contacts.filter((c) => c !== existing);
      untouched = untouched?.filter((c) => c !== existing) ?? null;
    }
    if (!existing && expiration) {
      const contact = newContact(aor, req, b.uri, Math.floor(req.now) + expiration);
      added.push(contact);
      contacts.push(contact);
    } else if (existing && expiration) {
      const refresh: Contact = {
        ...existing,
        expirationTime: Math.floor(req.now) + expiration,
        qualifyFrequency: aor.qualifyFrequency,
        userAgent: req.userAgent || existing.userAgent,
      };
      refreshed.push(refresh);
      contacts.push(refresh);
    } else if (existing) {
      unregistered.push(existing);
    }
    // A binding with Expires 0 for an unknown URI is forgiven and ignored.
  }

  if (untouched) {
    const total = untouched.length + updated + newBindings;
    if (total > aor.maxContacts) drop(excessContacts(aor, untouched, total - aor.maxContacts));
  }

  return { kind: 'accepted', added, refreshed, unregistered, dropped, contacts };
}

/**
 * The contacts remove_excess_contacts picks: vec_contact_cmp orders unreachable first (only
 * when remove_unavailable is on), then soonest to expire. The stored expiration has whole
 * seconds, so ties are common; they keep the order the AOR's contacts are read from the AstDB
 * in, which is by key (contact id): the sorted insert (AST_VECTOR_ADD_SORTED) is stable.
 */
function excessContacts(aor: Aor, candidates: readonly Contact[], count: number): Contact[] {
  const unreachableFirst = (c: Contact) => (aor.removeUnavailable && c.status === 'Unreachable' ? 0 : 1);
  return [...candidates]
    .sort(
      (a, b) =>
        unreachableFirst(a) - unreachableFirst(b) ||
        a.expirationTime - b.expirationTime ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .slice(0, Math.max(count, 0));
}

/**
 * What Asterisk's expiry check drops when it next runs (every contact_expiration_check_interval,
 * 30 s by default): contacts whose expiration time has passed (expire_contact: now > expiration).
 * `now` is epoch milliseconds.
 */
export function expiredContacts(contacts: readonly Contact[], now: number): Contact[] {
  return contacts.filter((c) => now > c.expirationTime * 1000);
}

/**
 * If one more phone (a URI the AOR does not know) registered now with the default expiration:
 * admitted, refused with 403, or admitted at the cost of the listed contacts. `now` is epoch ms.
 */
export function whatIfRegister(aor: Aor, current: readonly Contact[], now: number): WhatIf {
  // Below its limit an AOR takes one more binding whatever its options: admitRegister neither
  // refuses nor drops when the count after the REGISTER stays within max_contacts. Most AORs
  // are there, and every endpoint row asks.
  if (aor.maxContacts > 0 && current.length < aor.maxContacts) return { kind: 'admitted' };
  const nowSeconds = Math.floor(now / 1000);
  const outcome = admitRegister(aor, current, {
    endpoint: '',
    callId: '',
    cseq: 1,
    userAgent: '',
    viaAddr: '',
    viaPort: 0,
    expiresHeader: null,
    bindings: [{ uri: unknownUri(current), expires: null }],
    now: nowSeconds,
  });
  if (outcome.kind === 'refused') return { kind: 'refused', maxContacts: outcome.maxContacts };
  if (outcome.kind === 'accepted' && outcome.dropped.length > 0) {
    return { kind: 'drops', contactIds: outcome.dropped.map((c) => c.id) };
  }
  return { kind: 'admitted' };
}

function unknownUri(current: readonly Contact[]): string {
  let n = 0;
  while (current.some((c) => sipUriEquals(c.uri, `sip:what-if-${n}@invalid`))) n++;
  return `sip:what-if-${n}@invalid`;
}

function refused(aor: Aor): RegisterOutcome {
  return { kind: 'refused', reason: 'maxContacts', maxContacts: aor.maxContacts, sipStatus: 403 };
}

/** registrar_validate_contacts' 400 cases, plus values a SIP parser would already reject. */
function invalidReason(req: RegisterRequest): string | null {
  if (req.expiresHeader !== null && !isExpiresValue(req.expiresHeader)) return `invalid Expires header ${req.expiresHeader}`;
  if (req.bindings === '*') {
    // The star only unregisters everything: its expiration must be 0 (RFC 3261 10.2.2).
    return req.expiresHeader === 0 ? null : 'Contact: * requires Expires: 0';
  }
  for (const b of req.bindings) {
    if (b.expires !== null && !isExpiresValue(b.expires)) return `invalid expires ${b.expires} on ${b.uri}`;
  }
  return null;
}

function isExpiresValue(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

function newContact(aor: Aor, req: RegisterRequest, uri: string, expirationTime: number): Contact {
  return {
    id: contactId(aor.name, uri),
    aor: aor.name,
    endpoint: req.endpoint,
    uri,
    userAgent: req.userAgent,
    viaAddr: req.viaAddr,
    viaPort: req.viaPort,
    callId: req.callId,
    expirationTime,
    // A fresh binding is announced as NonQualified even on a qualified AOR (recording c2);
    // the first OPTIONS answer then turns it Reachable or Unreachable.
    status: 'NonQualified',
    roundtripUsec: null,
    qualifyFrequency: aor.qualifyFrequency,
    qualifyTimeout: aor.qualifyTimeout,
    regServer: '',
    path: '',
    outboundProxy: '',
  };
}
