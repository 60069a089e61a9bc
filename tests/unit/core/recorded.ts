// Reads AMI messages out of the recorded real-Asterisk transcripts, for core tests that take
// their cases from the recorded bytes. Deliberately naive (split on the blank line, first `: `
// per line): the fixtures are known-good, and the real parser belongs to ami/.
import type { Aor, Contact, ContactStatus, Endpoint, RegistrarEvent, RegistrarSnapshot } from '../../../src-main/core/types';
import { readTranscript, sessionBytes } from '../../support/transcript';

export type AmiBlock = Record<string, string>;

export function recordedBlocks(fileName: string, session = 'S1'): AmiBlock[] {
  const text = sessionBytes(readTranscript(fileName), session, 'recv').toString('utf8');
  return text
    .split('\r\n\r\n')
    .map(parseBlock)
    .filter((b) => Object.keys(b).length > 0);
}

function parseBlock(raw: string): AmiBlock {
  const block: AmiBlock = {};
  for (const line of raw.split('\r\n')) {
    const colon = line.indexOf(': ');
    if (colon > 0) block[line.slice(0, colon)] = line.slice(colon + 2).replace(/\n$/, '');
  }
  return block;
}

export function recordedEvents(fileName: string, event: string, session = 'S1'): AmiBlock[] {
  return recordedBlocks(fileName, session).filter((b) => b.Event === event);
}

export function field(block: AmiBlock, name: string): string {
  const value = block[name];
  if (value === undefined) throw new Error(`recorded block has no ${name}: ${JSON.stringify(block)}`);
  return value;
}

/** A model Aor from a recorded AorList event. */
export function aorFromList(b: AmiBlock): Aor {
  return {
    name: field(b, 'ObjectName'),
    maxContacts: Number(field(b, 'MaxContacts')),
    removeExisting: field(b, 'RemoveExisting') === 'true',
    removeUnavailable: field(b, 'RemoveUnavailable') === 'true',
    qualifyFrequency: Number(field(b, 'QualifyFrequency')),
    qualifyTimeout: Number(field(b, 'QualifyTimeout')),
    minimumExpiration: Number(field(b, 'MinimumExpiration')),
    defaultExpiration: Number(field(b, 'DefaultExpiration')),
    maximumExpiration: Number(field(b, 'MaximumExpiration')),
  };
}

/** The lab's AORs as Asterisk listed them (transcript a, PJSIPShowAors). */
export function recordedAor(name: string): Aor {
  const list = recordedEvents('a_phone1_two_contacts_queries.txt', 'AorList').find((b) => b.ObjectName === name);
  if (!list) throw new Error(`no recorded AorList for ${name}`);
  return aorFromList(list);
}

/** A model Contact from a recorded ContactList event. */
export function contactFromList(b: AmiBlock): Contact {
  const id = field(b, 'ObjectName');
  const rtt = field(b, 'RoundtripUsec');
  return {
    id,
    aor: id.slice(0, id.indexOf(';@')),
    endpoint: field(b, 'Endpoint'),
    uri: field(b, 'Uri'),
    userAgent: field(b, 'UserAgent'),
    viaAddr: field(b, 'ViaAddr'),
    viaPort: Number(field(b, 'ViaPort')),
    callId: field(b, 'CallId'),
    expirationTime: Number(field(b, 'ExpirationTime')),
    status: field(b, 'Status') as ContactStatus,
    roundtripUsec: rtt === 'N/A' ? null : Number(rtt),
    qualifyFrequency: Number(field(b, 'QualifyFrequency')),
    qualifyTimeout: Number(field(b, 'QualifyTimeout')),
    regServer: field(b, 'RegServer'),
    path: field(b, 'Path'),
    outboundProxy: field(b, 'OutboundProxy'),
  };
}

/** Each PJSIPShowContacts answer of a recording, in order, as model contacts. */
export function recordedContactLists(fileName: string): Contact[][] {
  const lists = new Map<string, Contact[]>();
  for (const b of recordedEvents(fileName, 'ContactList')) {
    const id = field(b, 'ActionID');
    lists.set(id, [...(lists.get(id) ?? []), contactFromList(b)]);
  }
  return [...lists.values()];
}

export type TimelineStep =
  | { kind: 'event'; event: RegistrarEvent }
  | { kind: 'dbdel'; contactId: string; at: number }
  | { kind: 'listed'; contact: Contact }
  | { kind: 'getvar'; variable: string; value: string };

/**
 * What one session lived through, in recorded order: ContactStatus / PeerStatus / FailedACL
 * (max contacts) events as the bridge would type them, the DBDel actions it sent, the contacts
 * PJSIPShowContacts listed and the Getvar answers. `at` is the chunk's wall-clock time in epoch ms.
 */
export function recordedTimeline(fileName: string, session = 'S1'): TimelineStep[] {
  const steps: TimelineStep[] = [];
  for (const chunk of readTranscript(fileName).chunks.filter((c) => c.session === session)) {
    const at = Date.parse(`2026-11-26T${chunk.time}Z`);
    for (const raw of chunk.bytes.toString('utf8').split('\r\n\r\n')) {
      const b = parseBlock(raw);
      if (chunk.direction === 'sent') {
        if (b.Action === 'DBDel') steps.push({ kind: 'dbdel', contactId: field(b, 'Key'), at });
        const cliDel = /^database del registrar\/contact (\S+)$/.exec(b.Command ?? '');
        if (cliDel) steps.push({ kind: 'dbdel', contactId: cliDel[1]!, at });
        continue;
      }
      const event = typedEvent(b, at);
      if (event) steps.push({ kind: 'event', event });
      else if (b.Event === 'ContactList') steps.push({ kind: 'listed', contact: contactFromList(b) });
      else if (b.Response === 'Success' && b.Variable !== undefined) steps.push({ kind: 'getvar', variable: b.Variable, value: field(b, 'Value') });
    }
  }
  return steps;
}

function typedEvent(b: AmiBlock, at: number): RegistrarEvent | null {
  switch (b.Event) {
    case 'ContactStatus': {
      const status = field(b, 'ContactStatus') as Extract<RegistrarEvent, { kind: 'contactStatus' }>['status'];
      const rtt = Number(field(b, 'RoundtripUsec'));
      return { kind: 'contactStatus', status, uri: field(b, 'URI'), aor: field(b, 'AOR'), endpoint: field(b, 'EndpointName'), roundtripUsec: status === 'Reachable' ? rtt : null, at };
    }
    case 'PeerStatus':
      return { kind: 'peerStatus', endpoint: field(b, 'Peer').replace(/^PJSIP\//, ''), status: field(b, 'PeerStatus'), at };
    case 'FailedACL': {
      if (b.ACLName !== 'registrar_attempt_exceeds_maximum_configured_contacts') return null;
      const [family, transport, addr, port] = field(b, 'RemoteAddress').split('/');
      return {
        kind: 'refused',
        endpoint: field(b, 'AccountID'),
        callId: field(b, 'SessionID'),
        source: { family: family as 'IPV4', transport: transport!, addr: addr!, port: Number(port) },
        at,
      };
    }
    default:
      return null;
  }
}

/** A model Endpoint from a recorded EndpointList event. */
export function endpointFromList(b: AmiBlock): Endpoint {
  return { name: field(b, 'ObjectName'), aors: field(b, 'Aor').split(',').filter(Boolean), deviceState: field(b, 'DeviceState') };
}

/** The lab's endpoints, AORs and (per transcript) the first contact list, as a full sync reads them. */
export function labSnapshot(contacts: Contact[]): RegistrarSnapshot {
  const a = 'a_phone1_two_contacts_queries.txt';
  return {
    endpoints: recordedEvents(a, 'EndpointList').map(endpointFromList),
    aors: recordedEvents(a, 'AorList').map(aorFromList),
    contacts,
  };
}
