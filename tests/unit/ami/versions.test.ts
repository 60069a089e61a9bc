// What the bridge reads from Asterisk 20.20.1 and 23.4.1 (their recorded answers), and the
// differences of other versions that VERSIONS.md lists from Asterisk's source at each tag.
import { describe, expect, it } from 'vitest';
import { AmiMessage } from '../../../src-main/ami/messages';
import { parseAorList, parseContactList, parseContactStatus, parseFailedAcl, parseRegistrarEvent } from '../../../src-main/ami/parsers';
import { RegistrarState } from '../../../src-main/core/registrar-state';
import { recordedMessages } from '../../support/recorded-messages';
import { RECORDED_VERSIONS, recordedVersionBytes, recordedVersionMessages } from '../../support/recorded-versions';

const ok = <T>(p: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!p.ok) throw new Error(p.error);
  return p.value;
};
const AT = 1_796_220_905_000;

/** The message with some fields' values replaced. */
function patched(m: AmiMessage, values: Record<string, string>): AmiMessage {
  return new AmiMessage(m.keys, m.values.map((v, i) => values[m.keys[i]!] ?? v));
}

describe.each(RECORDED_VERSIONS)('Asterisk %s as recorded', (version) => {
  it('names only the AMI protocol in its banner, and its own version in CoreSettings', () => {
    expect(recordedVersionBytes(version, 'banner').toString('latin1')).toMatch(/^Asterisk Call Manager\/\d+\.0\.0\r\n$/);
    const [settings] = recordedVersionMessages(version, 'CoreSettings');
    expect(settings!.get('AsteriskVersion')).toBe(version);
  });

  it('lists both phone1 contacts and the lab AORs, read as on 22', () => {
    const contacts = recordedVersionMessages(version, 'PJSIPShowContacts')
      .filter((m) => m.event === 'ContactList')
      .map((m) => ok(parseContactList(m)));
    expect(contacts.map((c) => [c.aor, c.endpoint, c.viaPort]).sort()).toEqual([
      ['phone1', 'phone1', 5071],
      ['phone1', 'phone1', 5072],
    ]);
    const aors = recordedVersionMessages(version, 'PJSIPShowAors')
      .filter((m) => m.event === 'AorList')
      .map((m) => ok(parseAorList(m)));
    expect(aors.find((a) => a.name === 'phone1')).toMatchObject({ maxContacts: 2, removeExisting: false, removeUnavailable: false });
  });

  it('takes the AOR from the contact id and the event, never from the endpoint name', () => {
    // From main/next on, the AOR comes from the To URI and may differ from the endpoint (row 6).
    const list = recordedVersionMessages(version, 'PJSIPShowContacts').find((m) => m.event === 'ContactList')!;
    expect(ok(parseContactList(patched(list, { Endpoint: 'desk-7' })))).toMatchObject({ aor: 'phone1', endpoint: 'desk-7' });
    const status = recordedVersionMessages(version, 'accepted-registrations-events').find((m) => m.event === 'ContactStatus')!;
    expect(ok(parseContactStatus(patched(status, { EndpointName: 'desk-7' }), AT))).toMatchObject({ aor: 'phone1', endpoint: 'desk-7' });
  });

  it('reports the refused third registration as on 22', () => {
    const failed = recordedVersionMessages(version, 'refused-third-registration-events').find((m) => m.event === 'FailedACL')!;
    expect(ok(parseFailedAcl(failed, AT))).toMatchObject({ kind: 'refused', endpoint: 'phone1', source: { addr: '127.0.0.1', port: 5073 } });
  });
});

describe('Asterisk 18 and older 20s', () => {
  it('reads contacts and AORs without Qualify2xxOnly (18, 20 before 20.12)', () => {
    const contact = recordedVersionMessages('20.20.1', 'PJSIPShowContacts').find((m) => m.event === 'ContactList')!;
    const aor = recordedVersionMessages('20.20.1', 'PJSIPShowAors').find((m) => m.event === 'AorList')!;
    const without = (m: AmiMessage) => {
      const keep = m.keys.map((k, i) => [k, m.values[i]!] as const).filter(([k]) => k !== 'Qualify2xxOnly');
      return new AmiMessage(keep.map(([k]) => k), keep.map(([, v]) => v));
    };
    expect(without(contact).get('Qualify2xxOnly')).toBeUndefined();
    expect(ok(parseContactList(without(contact)))).toEqual(ok(parseContactList(contact)));
    expect(ok(parseAorList(without(aor)))).toEqual(ok(parseAorList(aor)));
  });

  it('leaves the PJSIP endpoint alone when chan_sip or IAX2 reports a peer of the same name', () => {
    const messages = recordedMessages('a_phone1_two_contacts_queries.txt');
    const endpoints = messages.filter((m) => m.event === 'EndpointList');
    const state = RegistrarState.fromSnapshot({ endpoints: endpoints.map((m) => ({ name: m.get('ObjectName')!, aors: [m.get('Aor')!], deviceState: m.get('DeviceState')! })), aors: [], contacts: [] });
    const peer = messages.find((m) => m.event === 'PeerStatus')!;
    expect(state.endpoint('phone1')!.deviceState).toBe('Not in use');
    for (const [channelType, prefix] of [['SIP', 'SIP'], ['IAX2', 'IAX2']] as const) {
      const other = ok(parseRegistrarEvent(patched(peer, { ChannelType: channelType, Peer: `${prefix}/phone1`, PeerStatus: 'Unreachable' }), AT));
      expect(other).toBeNull();
    }
    const pjsip = ok(parseRegistrarEvent(patched(peer, { PeerStatus: 'Unreachable' }), AT));
    expect(state.apply(pjsip!)).toHaveLength(1);
    expect(state.endpoint('phone1')!.deviceState).toBe('Unavailable');
  });
});
