// The sandbox's answers to the actions of the recorded sessions, given the state Asterisk had
// when it answered them, compared byte for byte with Asterisk 22.10.1's answers.
import { describe, expect, it } from 'vitest';
import { readTranscript } from '../../../support/transcript';
import { harness } from './session-harness';
import { recordedPbx } from './recorded-lab';

/**
 * The one list of recorded answers the sandbox does not reproduce byte for byte, and why.
 * Everything else must match exactly.
 */
const NOT_COMPARED: Record<string, string> = {
  'S1-24': 'CoreStatus carries the start time of the PBX',
  'S1-25': 'Ping carries the current time',
  'S3-12': "find_best's hint word list depends on Asterisk's full CLI command set",
};

/** Each sent action of a session with the bytes the session received before the next one. */
function exchanges(transcript: string, session: string): Array<{ sent: string; answer: string }> {
  const out: Array<{ sent: string; answer: string }> = [];
  for (const chunk of readTranscript(transcript).chunks) {
    if (chunk.session !== session || chunk.banner) continue;
    if (chunk.direction === 'sent') out.push({ sent: chunk.bytes.toString('utf8'), answer: '' });
    else if (out.length > 0) out[out.length - 1]!.answer += chunk.bytes.toString('utf8');
  }
  return out;
}

function actionId(sent: string): string {
  return /ActionID: (\S+)/.exec(sent)?.[1] ?? '';
}

describe('answers recorded from Asterisk 22.10.1', () => {
  it('answers every query of transcript a (phone1 with two contacts) with the recorded bytes', () => {
    const pbx = recordedPbx('a_phone1_two_contacts_queries.txt', 'S1', 'S1-2');
    const h = harness(pbx);
    const [login, ...rest] = exchanges('a_phone1_two_contacts_queries.txt', 'S1');
    expect(h.send(login!.sent)).toMatch(/^Response: Success\r\nActionID: S1-1\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\n/);
    let compared = 0;
    for (const { sent, answer } of rest) {
      const id = actionId(sent);
      const got = h.send(sent);
      if (id in NOT_COMPARED) continue;
      expect(got, `answer to ${id}`).toBe(answer);
      compared++;
    }
    expect(compared).toBe(23);
  });

  it('answers the error cases of transcript h (unknown action, missing endpoint, missing keys, empty dial strings) with the recorded bytes', () => {
    const pbx = recordedPbx('h_login_failures_unknown_action.txt', 'S3', 'none');
    const h = harness(pbx);
    const [login, ...rest] = exchanges('h_login_failures_unknown_action.txt', 'S3');
    h.send(login!.sent);
    let compared = 0;
    for (const { sent, answer } of rest) {
      const id = actionId(sent);
      const got = h.send(sent);
      if (id in NOT_COMPARED) continue;
      expect(got, `answer to ${id}`).toBe(answer);
      compared++;
    }
    expect(compared).toBe(11);
  });

  it('answers "No Contacts found" with the bare LF, and removes a DBDel-ed contact from every list', () => {
    const pbx = recordedPbx('a_phone1_two_contacts_queries.txt', 'S1', 'S1-2');
    const h = harness(pbx);
    h.send('Action: Login\r\nUsername: lab\r\nSecret: labsecret\r\nEvents: off\r\n\r\n');
    expect(h.send('Action: DBDel\r\nFamily: registrar/contact\r\nKey: phone1;@0ca336795b4b748e1af6a94a41d43e4d\r\nActionID: 1\r\n\r\n')).toBe(
      'Response: Success\r\nActionID: 1\r\nMessage: Key deleted successfully\r\n\r\n',
    );
    expect(h.send('Action: PJSIPShowContacts\r\nActionID: 2\r\n\r\n')).toContain('ListItems: 1\r\n');
    expect(h.send('Action: Getvar\r\nVariable: PJSIP_DIAL_CONTACTS(phone1)\r\nActionID: 3\r\n\r\n')).toBe(
      'Response: Success\r\nActionID: 3\r\nVariable: PJSIP_DIAL_CONTACTS(phone1)\r\nValue: PJSIP/phone1/sip:phone1@127.0.0.1:5072;rinstance=1ba27d1fc1b36695\r\n\r\n',
    );
    h.send('Action: DBDelTree\r\nFamily: registrar\r\nActionID: 4\r\n\r\n');
    expect(h.send('Action: PJSIPShowContacts\r\nActionID: 5\r\n\r\n')).toBe('Response: Error\r\nActionID: 5\r\nMessage: No Contacts found\n\r\n\r\n');
    expect(h.send('Action: Command\r\nCommand: pjsip show contacts\r\nActionID: 6\r\n\r\n')).toBe(
      'Response: Success\r\nActionID: 6\r\nMessage: Command output follows\r\nOutput: No objects found.\r\nOutput: \r\n\r\n',
    );
  });
});
