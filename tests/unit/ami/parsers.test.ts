import { describe, expect, it } from 'vitest';
import { AmiMessage } from '../../../src-main/ami/messages';
import {
  parseAorDetail,
  parseAorList,
  parseContactList,
  parseContactStatus,
  parseDbGetResponse,
  parseDbGetTreeResponse,
  parseEndpointList,
  parseFailedAcl,
  parseGetvar,
  parseInteger,
  parsePeerStatus,
  parseRegistrarEvent,
  parseRemoteAddress,
} from '../../../src-main/ami/parsers';
import { AmiReader } from '../../../src-main/ami/reader';
import { liveHeapBytes } from '../../support/heap';
import { recordedMessages } from '../../support/recorded-messages';

const A = 'a_phone1_two_contacts_queries.txt';
const a = recordedMessages(A);
const events = (name: string, from = a) => from.filter((m) => m.event === name);
const ok = <T>(p: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!p.ok) throw new Error(p.error);
  return p.value;
};
const AT = 1_795_672_829_000;

describe('ContactList', () => {
  it('gives phone1 5071 field by field as recorded in transcript a', () => {
    expect(ok(parseContactList(events('ContactList')[0]!))).toEqual({
      id: 'phone1;@0ca336795b4b748e1af6a94a41d43e4d',
      aor: 'phone1',
      endpoint: 'phone1',
      uri: 'sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35',
      userAgent: 'Grandstream GXP2170 1.0.11.3',
      viaAddr: '127.0.0.1',
      viaPort: 5071,
      callId: '2c5828aee91576cafbbdd2da@127.0.0.1',
      expirationTime: 1795676428,
      status: 'NonQualified',
      roundtripUsec: null,
      qualifyFrequency: 0,
      qualifyTimeout: 3,
      regServer: '',
      path: '',
      outboundProxy: '',
    });
  });

  it('reports a block with an unreadable field instead of throwing, and keeps the raw block', () => {
    const m = new AmiMessage(['Event', 'ObjectName', 'ViaPort'], ['ContactList', 'phone1;@ab', 'abc']);
    const p = parseContactList(m);
    expect(p.ok).toBe(false);
    expect(p.raw).toBe(m);
    if (!p.ok) expect(p.error).toMatch(/^ContactList: missing (Status|Endpoint)$/);
  });

  it('refuses an ObjectName that is not a contact id', () => {
    const m = events('ContactList')[0]!;
    const broken = new AmiMessage(m.keys, m.values.map((v, i) => (m.keys[i] === 'ObjectName' ? 'phone1' : v)));
    expect(parseContactList(broken)).toMatchObject({ ok: false, error: expect.stringMatching(/not a contact id/) });
  });

  it('reads a measured round-trip time as a number and an unknown Status as Unknown', () => {
    const m = events('ContactList')[0]!;
    const patched = new AmiMessage(m.keys, m.values.map((v, i) => (m.keys[i] === 'RoundtripUsec' ? '1534' : m.keys[i] === 'Status' ? 'Created' : v)));
    expect(ok(parseContactList(patched))).toMatchObject({ roundtripUsec: 1534, status: 'Unknown' });
  });
});

/** A banner and `count` ContactList items (about 800 bytes each), as one stream of wire bytes. */
function contactListWire(count: number): Buffer {
  const item = (i: number) =>
    `Event: ContactList\r\nObjectType: contact\r\nObjectName: phone${i};@0ca336795b4b748e1af6a94a41d43e4d\r\nViaAddr: 127.0.0.1\r\nViaPort: 5071\r\n` +
    `QualifyTimeout: 3.000000\r\nCallId: 2c5828aee91576cafbbdd2da${i}@127.0.0.1\r\nRegServer: \r\nPruneOnBoot: no\r\nPath: \r\nEndpoint: phone${i}\r\n` +
    `AuthenticateQualify: no\r\nUri: sip:phone${i}@127.0.0.1:5071;rinstance=889ca9d147fd1b35\r\nQualifyFrequency: 0\r\nUserAgent: Grandstream GXP2170 1.0.11.3\r\n` +
    `ExpirationTime: 1795676428\r\nOutboundProxy: \r\nStatus: NonQualified\r\nRoundtripUsec: N/A\r\n${'X-Padding: '.padEnd(300, 'p')}\r\n\r\n`;
  return Buffer.concat([Buffer.from('Asterisk Call Manager/11.0.0\r\n'), ...Array.from({ length: count }, (_, i) => Buffer.from(item(i)))]);
}

describe('what a parsed item keeps', () => {
  it('keeps its own copy of each value, not the 64 KB chunk of wire text it was cut from', () => {
    const wire = contactListWire(4000);
    const before = liveHeapBytes();
    const reader = new AmiReader();
    const kept: string[] = [];
    for (let at = 0; at < wire.length; at += 65_536) {
      reader.feed(wire.subarray(at, at + 65_536), (o) => {
        if (o.kind !== 'message') return;
        const contact = ok(parseContactList(o.message));
        kept.push(contact.id, contact.uri, contact.callId);
      });
    }
    const held = liveHeapBytes() - before;
    expect(kept).toHaveLength(12_000);
    // Own copies: about 1 MB (measured). Slices of the chunks would hold all 3.2 MB of text (3.6 MB measured).
    expect(held).toBeLessThan(wire.length / 2);
  });

  it('reads integers as Number does, and refuses what is not one', () => {
    for (const text of ['0', '5060', '-1', '1795676428', '-0', '9007199254740993', '123456789012345678901']) expect(parseInteger(text)).toBe(Number(text));
    for (const text of ['', '-', '12a', ' 1', '1.5', '0x10', '+1', '1e3']) expect(parseInteger(text)).toBeNaN();
  });
});

describe('AorList, AorDetail, EndpointList', () => {
  it('reads the four lab AORs with their registrar options', () => {
    const aors = events('AorList').map((m) => ok(parseAorList(m)));
    expect(aors.map((x) => [x.name, x.maxContacts, x.removeExisting, x.qualifyFrequency])).toEqual([
      ['phone1', 2, false, 0],
      ['phone2', 1, true, 0],
      ['phone3', 4, false, 10],
      ['wiz1', 2, true, 0],
    ]);
    expect(aors[0]).toEqual({
      name: 'phone1',
      maxContacts: 2,
      removeExisting: false,
      removeUnavailable: false,
      qualifyFrequency: 0,
      qualifyTimeout: 3,
      minimumExpiration: 60,
      defaultExpiration: 3600,
      maximumExpiration: 7200,
    });
  });

  it('reads AorDetail with the endpoint and contact counts', () => {
    const detail = ok(parseAorDetail(events('AorDetail')[0]!));
    expect(detail).toMatchObject({ endpoint: 'phone1', totalContacts: 2, contactsRegistered: 2, aor: { name: 'phone1', maxContacts: 2 } });
  });

  it('reads EndpointList with its AORs, device state and auths', () => {
    expect(events('EndpointList').map((m) => ok(parseEndpointList(m)))).toEqual([
      { name: 'phone1', aors: ['phone1'], deviceState: 'Not in use', auths: ['phone1'] },
      { name: 'phone2', aors: ['phone2'], deviceState: 'Unavailable', auths: ['phone2'] },
      { name: 'phone3', aors: ['phone3'], deviceState: 'Unavailable', auths: ['phone3'] },
      { name: 'wiz1', aors: ['wiz1'], deviceState: 'Unavailable', auths: ['wiz1-iauth'] },
    ]);
  });
});

describe('live events', () => {
  it('reads ContactStatus NonQualified from a REGISTER', () => {
    expect(ok(parseContactStatus(events('ContactStatus')[0]!, AT))).toEqual({
      kind: 'contactStatus',
      status: 'NonQualified',
      uri: 'sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35',
      aor: 'phone1',
      endpoint: 'phone1',
      roundtripUsec: 0,
      at: AT,
    });
  });

  it('reads ContactStatus Reachable with its round trip (transcript e)', () => {
    const reachable = events('ContactStatus', recordedMessages('e_phone3_qualify.txt')).map((m) => ok(parseContactStatus(m, AT))).find((e) => e.status === 'Reachable');
    expect(reachable).toMatchObject({ aor: 'phone3', endpoint: 'phone3' });
    expect(reachable!.roundtripUsec).toBeGreaterThan(0);
  });

  it('reads PeerStatus for PJSIP endpoints and ignores other channel types', () => {
    expect(ok(parsePeerStatus(events('PeerStatus')[0]!, AT))).toEqual({ kind: 'peerStatus', endpoint: 'phone1', status: 'Reachable', at: AT });
    const sip = new AmiMessage(['Event', 'ChannelType', 'Peer', 'PeerStatus'], ['PeerStatus', 'SIP', 'SIP/100', 'Registered']);
    expect(ok(parsePeerStatus(sip, AT))).toBeNull();
  });

  it('never reads a chan_sip or IAX2 PeerStatus as the PJSIP endpoint of the same name, whatever its Peer says', () => {
    const recorded = events('PeerStatus')[0]!;
    const as = (channelType: string, peer: string) =>
      new AmiMessage(recorded.keys, recorded.values.map((v, i) => (recorded.keys[i] === 'ChannelType' ? channelType : recorded.keys[i] === 'Peer' ? peer : v)));
    expect(ok(parsePeerStatus(as('SIP', 'SIP/phone1'), AT))).toBeNull();
    expect(ok(parsePeerStatus(as('IAX2', 'IAX2/phone1'), AT))).toBeNull();
    // A Peer that claims PJSIP/ under another channel type is still not ours.
    expect(ok(parsePeerStatus(as('SIP', 'PJSIP/phone1'), AT))).toBeNull();
    expect(ok(parsePeerStatus(as('PJSIP', 'PJSIP/phone1'), AT))).toMatchObject({ endpoint: 'phone1' });
  });

  it('reads an EndpointList whose ActiveChannels is blank (Asterisk 18, 20 before 20.15)', () => {
    const recorded = events('EndpointList')[0]!;
    const blank = new AmiMessage(recorded.keys, recorded.values.map((v, i) => (recorded.keys[i] === 'ActiveChannels' ? '' : v)));
    expect(blank.get('ActiveChannels')).toBe('');
    expect(ok(parseEndpointList(blank))).toEqual(ok(parseEndpointList(recorded)));
  });

  it('turns the max_contacts FailedACL of transcript b into a refusal from 127.0.0.1:5073', () => {
    const failed = events('FailedACL', recordedMessages('b_phone1_third_contact_max_contacts.txt'))[0]!;
    expect(ok(parseFailedAcl(failed, AT))).toEqual({
      kind: 'refused',
      endpoint: 'phone1',
      source: { family: 'IPV4', transport: 'UDP', addr: '127.0.0.1', port: 5073 },
      callId: 'd6590ceee04377cb8a709f1d@127.0.0.1',
      at: AT,
    });
  });

  it('ignores a FailedACL for any other ACL', () => {
    const m = new AmiMessage(['Event', 'ACLName', 'AccountID', 'SessionID', 'RemoteAddress'], ['FailedACL', 'no_contact_acl', 'phone1', 'x', 'IPV4/UDP/10.0.0.1/5060']);
    expect(ok(parseFailedAcl(m, AT))).toBeNull();
  });

  it('ignores unknown events and reports a ContactStatus with an unknown status', () => {
    expect(parseRegistrarEvent(events('FullyBooted')[0]!, AT)).toMatchObject({ ok: true, value: null });
    const m = new AmiMessage(['Event', 'URI', 'ContactStatus', 'AOR', 'EndpointName'], ['ContactStatus', 'sip:x', 'Exploded', 'phone1', 'phone1']);
    expect(parseRegistrarEvent(m, AT)).toMatchObject({ ok: false, error: expect.stringMatching(/unknown ContactStatus/) });
  });
});

describe('RemoteAddress', () => {
  it('reads IPv4 and IPv6 source addresses', () => {
    expect(parseRemoteAddress('IPV4/UDP/127.0.0.1/5073')).toEqual({ family: 'IPV4', transport: 'UDP', addr: '127.0.0.1', port: 5073 });
    expect(parseRemoteAddress('IPV6/TCP/2001:db8::5/5061')).toEqual({ family: 'IPV6', transport: 'TCP', addr: '2001:db8::5', port: 5061 });
  });
  it('gives null for anything else', () => {
    for (const bad of ['', 'IPV4/UDP/127.0.0.1', 'IPX/UDP/1/2', 'IPV4/UDP/1.2.3.4/port', 'IPV4/UDP//5060']) expect(parseRemoteAddress(bad)).toBeNull();
  });
});

describe('AstDB and Getvar', () => {
  it('turns DBGetTreeResponse full paths into family-relative keys', () => {
    const rows = events('DBGetTreeResponse').filter((m) => m.actionId === 'S1-10').map((m) => ok(parseDbGetTreeResponse(m, 'registrar/contact')));
    expect(rows.map((r) => r.key)).toEqual(['phone1;@0ca336795b4b748e1af6a94a41d43e4d', 'phone1;@4b204cef0eb06b9dca5d88aa373dd704']);
    expect(JSON.parse(rows[0]!.value)).toMatchObject({ uri: 'sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35', via_port: '5071' });
  });

  it('reports a DBGetTreeResponse outside the family asked for', () => {
    const m = events('DBGetTreeResponse')[0]!;
    expect(parseDbGetTreeResponse(m, 'registrar/other').ok).toBe(false);
  });

  it('reads DBGetResponse', () => {
    const row = ok(parseDbGetResponse(events('DBGetResponse')[0]!));
    expect(row).toMatchObject({ family: 'registrar/contact', key: 'phone1;@0ca336795b4b748e1af6a94a41d43e4d' });
    expect(row.value.startsWith('{"via_addr":"127.0.0.1"')).toBe(true);
  });

  it('reads the Getvar answer for PJSIP_DIAL_CONTACTS without a channel', () => {
    const getvar = a.find((m) => m.actionId === 'S1-13')!;
    expect(ok(parseGetvar(getvar))).toEqual({
      variable: 'PJSIP_DIAL_CONTACTS(phone1)',
      value: 'PJSIP/phone1/sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35&PJSIP/phone1/sip:phone1@127.0.0.1:5072;rinstance=1ba27d1fc1b36695',
    });
  });
});
