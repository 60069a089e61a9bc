// The Sandbox PBX passing for each Asterisk branch (--asterisk-version): given the state real
// Asterisk 20.20.1 and 23.4.1 had, its banner, CoreSettings and lists are byte for byte what
// those versions sent (tests/fixtures/versions/). For 18 and 21, with no recording, the
// differences VERSIONS.md reads from Asterisk's source at 18.26.4 and 21.12.3.
import { describe, expect, it } from 'vitest';
import { parseContactList } from '../../../../src-main/ami/parsers';
import type { Contact } from '../../../../src-main/core/types';
import { sandboxAsterisk, type SandboxAsteriskBranch } from '../../../../src-main/sandbox/asterisk-versions';
import type { PbxView } from '../../../../src-main/sandbox/ami/pbx-view';
import { RECORDED_VERSIONS, recordedVersionBytes, recordedVersionMessages, type RecordedVersion } from '../../../support/recorded-versions';
import { recordedPbx } from './recorded-lab';
import { harness } from './session-harness';

const LOGIN = 'Action: Login\r\nUsername: lab\r\nSecret: labsecret\r\nEvents: off\r\n\r\n';

function recordedContacts(version: RecordedVersion): Contact[] {
  return recordedVersionMessages(version, 'PJSIPShowContacts')
    .filter((m) => m.event === 'ContactList')
    .map((m) => {
      const p = parseContactList(m);
      if (!p.ok) throw new Error(p.error);
      return p.value;
    });
}

/** The lab with the given contacts, passing for the given branch. */
function labAs(branch: SandboxAsteriskBranch, contacts: Contact[]): PbxView {
  return { ...recordedPbx('a_phone1_two_contacts_queries.txt', 'S1', 'S1-2'), asterisk: sandboxAsterisk(branch), contacts: () => contacts.map((c) => ({ ...c })) };
}

function loggedIn(pbx: PbxView) {
  const h = harness(pbx);
  h.send(LOGIN);
  return h;
}

describe.each(RECORDED_VERSIONS)('the sandbox as Asterisk %s', (version) => {
  const branch = version.split('.')[0] as SandboxAsteriskBranch;

  it('names the same release in CoreSettings and the same AMI version there and in its banner', () => {
    expect(`Asterisk Call Manager/${sandboxAsterisk(branch).amiVersion}\r\n`).toBe(recordedVersionBytes(version, 'banner').toString('latin1'));
    const h = loggedIn(labAs(branch, recordedContacts(version)));
    expect(h.send('Action: CoreSettings\r\nActionID: S-2\r\n\r\n')).toBe(recordedVersionBytes(version, 'CoreSettings').toString('latin1'));
  });

  it('lists the recorded contacts and AORs with the recorded bytes', () => {
    const h = loggedIn(labAs(branch, recordedContacts(version)));
    expect(h.send('Action: PJSIPShowContacts\r\nActionID: S-2\r\n\r\n')).toBe(recordedVersionBytes(version, 'PJSIPShowContacts').toString('latin1'));
    expect(h.send('Action: PJSIPShowAors\r\nActionID: S-2\r\n\r\n')).toBe(recordedVersionBytes(version, 'PJSIPShowAors').toString('latin1'));
  });
});

describe('the sandbox as Asterisk 18 and 21 (from their source)', () => {
  const contacts = recordedContacts('20.20.1');

  it('answers as 18.26.4: AMI 7.0.3, no Qualify2xxOnly anywhere, ActiveChannels empty', () => {
    const h = loggedIn(labAs('18', contacts));
    const settings = h.send('Action: CoreSettings\r\nActionID: 1\r\n\r\n');
    expect(settings).toContain('\r\nAMIversion: 7.0.3\r\nAsteriskVersion: 18.26.4\r\n');
    const answers = ['PJSIPShowContacts', 'PJSIPShowAors', 'PJSIPShowEndpoints', 'PJSIPShowRegistrationsInbound', 'PJSIPShowRegistrationInboundContactStatuses']
      .map((action) => h.send(`Action: ${action}\r\nActionID: 2\r\n\r\n`))
      .join('');
    const endpoint = h.send('Action: PJSIPShowEndpoint\r\nEndpoint: phone1\r\nActionID: 3\r\n\r\n');
    const cli = h.send('Action: Command\r\nCommand: pjsip show aor phone1\r\nActionID: 4\r\n\r\n');
    expect(answers).toContain('Event: ContactList\r\n');
    expect(answers + endpoint).not.toContain('Qualify2xxOnly');
    expect(cli).toContain('max_contacts');
    expect(cli).not.toContain('qualify_2xx_only');
    expect(answers + endpoint).not.toMatch(/ActiveChannels: [^\r]/);
    expect((answers + endpoint).match(/ActiveChannels: \r\n/g)?.length).toBe(5);
  });

  it('answers as 21.12.3 like 22 but for the two version fields', () => {
    const as21 = loggedIn(labAs('21', contacts));
    const as22 = loggedIn(labAs('22', contacts));
    expect(as21.send('Action: CoreSettings\r\nActionID: 1\r\n\r\n')).toContain('\r\nAMIversion: 10.0.0\r\nAsteriskVersion: 21.12.3\r\n');
    for (const action of ['PJSIPShowContacts', 'PJSIPShowAors', 'PJSIPShowEndpoints']) {
      expect(as21.send(`Action: ${action}\r\nActionID: 2\r\n\r\n`), action).toBe(as22.send(`Action: ${action}\r\nActionID: 2\r\n\r\n`));
    }
  });
});
