// `pjsip show contacts|aors|endpoints` as the Asterisk 22 CLI prints them
// (res_pjsip/pjsip_cli.c and the formatters in location.c and pjsip_configuration.c):
// fixed-width columns whose name column narrows as the indent grows, so every row of a
// given kind has the same length whatever its nesting.
import type { Aor, Contact } from '../../../core/types';
import type { SandboxEndpoint } from '../../config/types';
import type { RegistrarView } from './pjsip';

const RULE = '='.repeat(90);

function label(indent: number, name: string): string {
  return `${name.padStart(indent)}:  `;
}

function column(text: string, width: number): string {
  return text.slice(0, width).padEnd(width);
}

/** ast_sip_get_contact_short_status_label. */
const SHORT_STATUS: Record<Contact['status'], string> = {
  NonQualified: 'NonQual',
  Reachable: 'Avail',
  Unreachable: 'Unavail',
  Unknown: 'Unknown',
};

function contactHeader(indent: number): string {
  const width = 55 - indent;
  return `${label(indent, 'Contact')}<Aor/ContactUri${'.'.repeat(width - 16)}> <Hash....> <Status> <RTT(ms)..>`;
}

function contactRow(indent: number, c: Contact): string {
  const hash = c.id.slice(c.id.lastIndexOf(';@') + 2);
  // The RTT is printed only for an available contact, "%11.3f" of NAN otherwise.
  const rtt = c.status === 'Reachable' && c.roundtripUsec !== null ? (c.roundtripUsec / 1000).toFixed(3) : 'nan';
  return `${label(indent, 'Contact')}${column(`${c.aor}/${c.uri}`, 55 - indent)} ${column(hash, 10)} ${column(SHORT_STATUS[c.status], 7)} ${rtt.padStart(11)}`;
}

function aorHeader(indent: number): string {
  return `${label(indent, 'Aor')}<Aor${'.'.repeat(55 - indent)}>  <MaxContact>`;
}

function aorRow(indent: number, aor: Aor): string {
  return `${label(indent, 'Aor')}${column(aor.name, 50 - indent)} ${String(aor.maxContacts).padStart(12)}`;
}

const ENDPOINT_HEADER = [
  ' Endpoint:  <Endpoint/CID.....................................>  <State.....>  <Channels.>',
  '    I/OAuth:  <AuthId/UserName...........................................................>',
  aorHeader(11),
  contactHeader(13),
  '  Transport:  <TransportId........>  <Type>  <cos>  <tos>  <BindAddress..................>',
  '   Identify:  <Identify/Endpoint.........................................................>',
  '        Match:  <criteria.........................>',
  '    Channel:  <ChannelId......................................>  <State.....>  <Time.....>',
  '        Exten: <DialedExten...........>  CLCID: <ConnectedLineCID.......>',
];

/** A listing: header, rule, blank, the objects, the count; "No objects found." when empty. */
function listing(header: string[], body: string[], count: number): string[] {
  if (count === 0) return ['No objects found.', ''];
  return ['', ...header, RULE, '', ...body, '', `Objects found: ${count}`, ''];
}

export function showContacts(view: RegistrarView): string[] {
  return listing(
    [contactHeader(9)],
    view.contacts.map((c) => contactRow(9, c)),
    view.contacts.length,
  );
}

/** The sorcery object's options, sorted by name (pjsip_cli.c prints a ParameterName table). */
function parameters(options: Array<[string, string]>): string[] {
  const sorted = [...options].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [' ParameterName        : ParameterValue', ` ${'='.repeat(75)}`, ...sorted.map(([name, value]) => ` ${name.padEnd(20)} : ${value}`)];
}

/** One object: its listing row(s), then its parameters. */
function detail(header: string[], block: string[], options: Array<[string, string]>): string[] {
  return ['', ...header, RULE, '', ...block, '', ...parameters(options), ''];
}

function notFound(name: string): string[] {
  return [`Unable to find object ${name}.`, ''];
}

function aorBlock(view: RegistrarView, aor: Aor): string[] {
  return [aorRow(9, aor), ...view.contactsOf(aor.name).map((c) => contactRow(11, c)), ''];
}

export function showAor(view: RegistrarView, name: string): string[] {
  const aor = view.aor(name);
  if (!aor) return notFound(name);
  const options: Array<[string, string]> = [
    ['authenticate_qualify', 'false'],
    ...view.contactsOf(aor.name).map((c): [string, string] => ['contact', c.uri]),
    ['default_expiration', String(aor.defaultExpiration)],
    ['mailboxes', ''],
    ['max_contacts', String(aor.maxContacts)],
    ['maximum_expiration', String(aor.maximumExpiration)],
    ['minimum_expiration', String(aor.minimumExpiration)],
    ['outbound_proxy', ''],
    ...(view.asterisk.qualify2xxOnly ? [['qualify_2xx_only', 'false'] as [string, string]] : []),
    ['qualify_frequency', String(aor.qualifyFrequency)],
    ['qualify_timeout', aor.qualifyTimeout.toFixed(6)],
    ['remove_existing', String(aor.removeExisting)],
    ['remove_unavailable', String(aor.removeUnavailable)],
    ['support_path', 'false'],
    ['voicemail_extension', ''],
  ];
  return detail([aorHeader(9), contactHeader(11)], aorBlock(view, aor), options);
}

/** A contact is found by its `aor/uri` name, not by its id; its parameters are its stored fields. */
export function showContact(view: RegistrarView, name: string, stored: (id: string) => string | undefined): string[] {
  const contact = view.contacts.find((c) => `${c.aor}/${c.uri}` === name);
  const json = contact && stored(contact.id);
  if (!contact || json === undefined) return notFound(name);
  const fields = Object.entries(JSON.parse(json) as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]);
  return detail([contactHeader(9)], [contactRow(9, contact)], fields);
}

export function showAors(view: RegistrarView): string[] {
  const body = view.aors.flatMap((aor) => aorBlock(view, aor));
  return listing([aorHeader(9), contactHeader(11)], body, view.aors.length);
}

function endpointBlock(view: RegistrarView, e: SandboxEndpoint, transports: ReadonlyMap<string, { protocol: string; bind: string }>, usernames: ReadonlyMap<string, string>): string[] {
  const lines = [`${label(9, 'Endpoint')}${column(e.name, 51)}  ${column(view.endpointState(e.name).deviceState, 12)}  0 of inf`];
  if (e.auth !== null) lines.push(`${label(11, 'InAuth')}${e.auth}/${usernames.get(e.auth) ?? ''}`);
  for (const name of e.aors) {
    const aor = view.aor(name);
    if (!aor) continue;
    lines.push(aorRow(11, aor), ...view.contactsOf(name).map((c) => contactRow(13, c)));
  }
  const transport = e.transport === null ? undefined : transports.get(e.transport);
  if (e.transport !== null && transport) {
    lines.push(`${label(11, 'Transport')}${column(e.transport, 21)}  ${transport.protocol.slice(0, 6).padStart(6)}  ${'0'.padStart(5)}  ${'0'.padStart(5)}  ${transport.bind}`);
  }
  return [...lines, ''];
}

export function showEndpoints(
  view: RegistrarView,
  transports: ReadonlyArray<{ name: string; protocol: string; bind: string }>,
  auths: ReadonlyArray<{ name: string; username: string }>,
): string[] {
  const byTransport = new Map(transports.map((t) => [t.name, t]));
  const usernames = new Map(auths.map((a) => [a.name, a.username]));
  const body = view.endpoints.flatMap((e) => endpointBlock(view, e, byTransport, usernames));
  return listing(ENDPOINT_HEADER, body, view.endpoints.length);
}
