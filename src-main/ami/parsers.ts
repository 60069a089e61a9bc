// Typed readers for the AMI list items and events RegDesk uses, producing core types.
// A parser never throws: a block with a missing or unreadable field comes back as
// { ok: false, error } naming the event and field, so one bad block cannot break the
// socket loop. Fields the model does not carry stay in the AmiMessage (`raw`).
import { aorOfContactId } from '../core/contact-id';
import type { Aor, Contact, ContactStatus, Endpoint, RegistrarEvent, SourceAddress } from '../core/types';
import type { AmiMessage } from './messages';
import { ownText } from './own-text';

export type Parsed<T> = { ok: true; value: T; raw: AmiMessage } | { ok: false; error: string; raw: AmiMessage };

/** `AorDetail` (from PJSIPShowEndpoint) is an AorList plus counts and the endpoint name. */
export interface AorDetail {
  aor: Aor;
  endpoint: string;
  totalContacts: number;
  contactsRegistered: number;
}

/** One AstDB row: `family` and the family-relative `key` that DBGet/DBDel/DBPut need. */
export interface AstDbEntry {
  family: string;
  key: string;
  value: string;
}

export interface GetvarResult {
  variable: string;
  value: string;
}

/** ACLName of the FailedACL that res_pjsip_registrar.c raises when a REGISTER would exceed max_contacts. */
export const MAX_CONTACTS_ACL = 'registrar_attempt_exceeds_maximum_configured_contacts';

class FieldError extends Error {}

/** Keeps one string for text that many items repeat (names, user agents); see sync.ts. */
export type ShareText = (text: string) => string;

/** Field access that throws FieldError; `parse` turns it into { ok: false }. */
class Fields {
  constructor(
    readonly m: AmiMessage,
    readonly share: ShareText,
  ) {}
  /** A field's value as cut from the wire text (see ownText). */
  value(name: string): string {
    const v = this.m.get(name);
    if (v === undefined) throw new FieldError(`missing ${name}`);
    return v;
  }
  text(name: string): string {
    return ownText(this.value(name));
  }
  /** A value other items repeat: a name, a user agent. */
  repeated(name: string): string {
    return this.share(this.value(name));
  }
  int(name: string): number {
    const v = this.value(name);
    const n = parseInteger(v);
    if (Number.isNaN(n)) throw new FieldError(`${name} is not an integer: ${JSON.stringify(v)}`);
    return n;
  }
  decimal(name: string): number {
    const v = this.value(name);
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new FieldError(`${name} is not a number: ${JSON.stringify(v)}`);
    return n;
  }
  /** sorcery prints booleans as true/false in AorList and yes/no in ContactList. */
  bool(name: string): boolean {
    const v = this.value(name).toLowerCase();
    if (v === 'true' || v === 'yes') return true;
    if (v === 'false' || v === 'no') return false;
    throw new FieldError(`${name} is not a boolean: ${JSON.stringify(v)}`);
  }
  /** `N/A` (no qualify result yet) becomes null. */
  usecOrNull(name: string): number | null {
    return this.value(name) === 'N/A' ? null : this.int(name);
  }
}

/** `-?[0-9]+` as a number, else NaN; a loop, not a regex: a sync reads 100,000 of them. */
export function parseInteger(text: string): number {
  const negative = text.charCodeAt(0) === 0x2d;
  const from = negative ? 1 : 0;
  if (from === text.length) return NaN;
  let n = 0;
  for (let i = from; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    n = n * 10 + digit;
  }
  // Past 15 digits the sum may round differently from Number's parse.
  if (text.length - from > 15) n = Number(text.slice(from));
  return negative ? -n : n;
}

function parse<T>(m: AmiMessage, what: string, read: (f: Fields) => T, share: ShareText = ownText): Parsed<T> {
  try {
    return { ok: true, value: read(new Fields(m, share)), raw: m };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, error: `${what}: ${e.message}`, raw: m };
    throw e;
  }
}

/** The statuses ContactList shows, mapped to their literals: a contact then keeps the shared
 *  literal, not a string of its own cut from the wire. */
const CONTACT_STATUSES: ReadonlyMap<string, ContactStatus> = new Map((['NonQualified', 'Reachable', 'Unreachable', 'Unknown'] as const).map((s) => [s, s]));

export function parseContactList(m: AmiMessage, share?: ShareText): Parsed<Contact> {
  return parse(
    m,
    'ContactList',
    (f) => {
      const id = f.text('ObjectName');
      // ContactList has no AOR field: the AOR is the part of the id before `;@`.
      const at = id.lastIndexOf(';@');
      if (at <= 0) throw new FieldError(`ObjectName is not a contact id: ${JSON.stringify(id)}`);
      const status = f.value('Status');
      return {
        id,
        aor: f.share(aorOfContactId(id)),
        endpoint: f.repeated('Endpoint'),
        uri: f.text('Uri'),
        userAgent: f.repeated('UserAgent'),
        viaAddr: f.text('ViaAddr'),
        viaPort: f.int('ViaPort'),
        callId: f.text('CallId'),
        expirationTime: f.int('ExpirationTime'),
        status: CONTACT_STATUSES.get(status) ?? 'Unknown',
        roundtripUsec: f.usecOrNull('RoundtripUsec'),
        qualifyFrequency: f.int('QualifyFrequency'),
        qualifyTimeout: f.decimal('QualifyTimeout'),
        regServer: f.text('RegServer'),
        path: f.text('Path'),
        outboundProxy: f.text('OutboundProxy'),
      };
    },
    share,
  );
}

function readAor(f: Fields): Aor {
  return {
    name: f.repeated('ObjectName'),
    maxContacts: f.int('MaxContacts'),
    removeExisting: f.bool('RemoveExisting'),
    removeUnavailable: f.bool('RemoveUnavailable'),
    qualifyFrequency: f.int('QualifyFrequency'),
    qualifyTimeout: f.decimal('QualifyTimeout'),
    minimumExpiration: f.int('MinimumExpiration'),
    defaultExpiration: f.int('DefaultExpiration'),
    maximumExpiration: f.int('MaximumExpiration'),
  };
}

export function parseAorList(m: AmiMessage, share?: ShareText): Parsed<Aor> {
  return parse(m, 'AorList', readAor, share);
}

export function parseAorDetail(m: AmiMessage): Parsed<AorDetail> {
  return parse(m, 'AorDetail', (f) => ({
    aor: readAor(f),
    endpoint: f.text('EndpointName'),
    totalContacts: f.int('TotalContacts'),
    contactsRegistered: f.int('ContactsRegistered'),
  }));
}

export function parseEndpointList(m: AmiMessage, share?: ShareText): Parsed<Endpoint> {
  return parse(
    m,
    'EndpointList',
    (f) => ({
      name: f.repeated('ObjectName'),
      // `Aor` is the endpoint's aors option: comma-separated, configured order.
      aors: splitList(f.value('Aor')).map(f.share),
      deviceState: f.repeated('DeviceState'),
      // Read for FreePBX detection; absent in hand-made test blocks, so not required.
      auths: splitList(m.get('Auths') ?? '').map(f.share),
      // ActiveChannels is not read: Asterisk 18 and 20 before 20.15 send it blank (VERSIONS.md row 4).
    }),
    share,
  );
}

const CONTACT_EVENT_STATUSES: ReadonlySet<string> = new Set(['NonQualified', 'Reachable', 'Unreachable', 'Removed', 'Created', 'Updated', 'Unknown']);

/** `ContactStatus` event; `at` = epoch ms when it was received. */
export function parseContactStatus(m: AmiMessage, at: number): Parsed<RegistrarEvent & { kind: 'contactStatus' }> {
  return parse(m, 'ContactStatus', (f) => {
    const status = f.text('ContactStatus');
    if (!CONTACT_EVENT_STATUSES.has(status)) throw new FieldError(`unknown ContactStatus ${JSON.stringify(status)}`);
    return {
      kind: 'contactStatus' as const,
      status: status as 'NonQualified',
      uri: f.text('URI'),
      aor: f.text('AOR'),
      endpoint: f.text('EndpointName'),
      roundtripUsec: m.get('RoundtripUsec') === undefined ? null : f.usecOrNull('RoundtripUsec'),
      at,
    };
  });
}

const PJSIP_PEER_PREFIX = 'PJSIP/';
const PJSIP_CHANNEL_TYPE = 'PJSIP';

export function parsePeerStatus(m: AmiMessage, at: number): Parsed<(RegistrarEvent & { kind: 'peerStatus' }) | null> {
  return parse(m, 'PeerStatus', (f) => {
    const peer = f.text('Peer');
    // chan_sip (`ChannelType: SIP`, on 18 and 20) and IAX2 peers share this event name and may
    // share an endpoint's name: only a PJSIP peer is ours, by its channel type and its prefix.
    const channelType = m.get('ChannelType');
    if (channelType !== undefined && channelType !== PJSIP_CHANNEL_TYPE) return null;
    if (!peer.startsWith(PJSIP_PEER_PREFIX)) return null;
    return { kind: 'peerStatus' as const, endpoint: peer.slice(PJSIP_PEER_PREFIX.length), status: f.text('PeerStatus'), at };
  });
}

/** FailedACL: only the max_contacts refusal becomes a RegistrarEvent; other ACL names give null. */
export function parseFailedAcl(m: AmiMessage, at: number): Parsed<(RegistrarEvent & { kind: 'refused' }) | null> {
  return parse(m, 'FailedACL', (f) => {
    if (f.value('ACLName') !== MAX_CONTACTS_ACL) return null;
    return {
      kind: 'refused' as const,
      endpoint: f.text('AccountID'),
      source: parseRemoteAddress(m.get('RemoteAddress') ?? ''),
      callId: f.text('SessionID'),
      at,
    };
  });
}

/** `IPV4/UDP/127.0.0.1/5073` or `IPV6/UDP/::1/5073` (the address itself may contain colons,
 *  never slashes: main/security_events.c prints family/transport/addr/port). */
export function parseRemoteAddress(text: string): SourceAddress | null {
  const first = text.indexOf('/');
  const second = text.indexOf('/', first + 1);
  const last = text.lastIndexOf('/');
  if (first <= 0 || second <= first || last <= second) return null;
  const family = text.slice(0, first);
  if (family !== 'IPV4' && family !== 'IPV6') return null;
  const portText = text.slice(last + 1);
  if (!/^\d{1,5}$/.test(portText)) return null;
  const addr = text.slice(second + 1, last);
  if (addr.length === 0) return null;
  return { family, transport: text.slice(first + 1, second), addr, port: Number(portText) };
}

/** The live events that change or inform the registrar; null for events RegDesk ignores. */
export function parseRegistrarEvent(m: AmiMessage, at: number): Parsed<RegistrarEvent | null> {
  switch (m.event) {
    case 'ContactStatus':
      return parseContactStatus(m, at);
    case 'PeerStatus':
      return parsePeerStatus(m, at);
    case 'FailedACL':
      return parseFailedAcl(m, at);
    default:
      return { ok: true, value: null, raw: m };
  }
}

/** DBGetTreeResponse's Key is the full path `/<family>/<key>`; this returns the
 *  family-relative key that DBGet and DBDel need (FACTS: "DBGetTree returns Key as the full path"). */
export function parseDbGetTreeResponse(m: AmiMessage, family: string): Parsed<AstDbEntry> {
  return parse(m, 'DBGetTreeResponse', (f) => {
    const path = f.text('Key');
    const prefix = `/${family}/`;
    if (!path.startsWith(prefix)) throw new FieldError(`Key ${JSON.stringify(path)} is not under /${family}/`);
    return { family, key: path.slice(prefix.length), value: f.text('Val') };
  });
}

export function parseDbGetResponse(m: AmiMessage): Parsed<AstDbEntry> {
  return parse(m, 'DBGetResponse', (f) => ({ family: f.text('Family'), key: f.text('Key'), value: f.text('Val') }));
}

export function parseGetvar(m: AmiMessage): Parsed<GetvarResult> {
  return parse(m, 'Getvar', (f) => ({ variable: f.text('Variable'), value: f.text('Value') }));
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
