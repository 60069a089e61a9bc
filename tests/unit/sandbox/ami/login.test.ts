import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AmiEventOut } from '../../../../src-main/sandbox/ami/pbx-view';
import { harness } from './session-harness';
import { recordedPbx } from './recorded-lab';

function challengeOf(answer: string): string {
  return /\r\nChallenge: (\d+)\r\n/.exec(answer)?.[1] ?? '';
}

describe('MD5 challenge login', () => {
  it('accepts Key = md5(challenge + secret) after Action: Challenge', () => {
    const h = harness(recordedPbx('a_phone1_two_contacts_queries.txt', 'S1', 'S1-2'));
    const answer = h.send('Action: Challenge\r\nAuthType: MD5\r\nActionID: c\r\n\r\n');
    expect(answer).toMatch(/^Response: Success\r\nActionID: c\r\nChallenge: \d{1,9}\r\n\r\n$/);
    const key = createHash('md5').update(`${challengeOf(answer)}labsecret`).digest('hex');
    expect(h.send(`Action: Login\r\nAuthType: MD5\r\nUsername: lab\r\nKey: ${key}\r\nEvents: off\r\nActionID: l\r\n\r\n`)).toBe(
      'Response: Success\r\nActionID: l\r\nMessage: Authentication accepted\r\n\r\n',
    );
  });

  it('refuses a wrong key, reporting ChallengeResponseFailed with the expected response', () => {
    const reports: AmiEventOut[] = [];
    const h = harness(recordedPbx('a_phone1_two_contacts_queries.txt', 'S1', 'S1-2'), { broadcast: (e) => reports.push(e) });
    const challenge = challengeOf(h.send('Action: Challenge\r\nAuthType: md5\r\n\r\n'));
    expect(h.send('Action: Login\r\nAuthType: MD5\r\nUsername: lab\r\nKey: 00000000000000000000000000000000\r\nActionID: l\r\n\r\n')).toBe(
      'Response: Error\r\nActionID: l\r\nMessage: Authentication failed\r\n\r\n',
    );
    expect(h.ended).toBe(true);
    const failed = reports.find((e) => e.event === 'ChallengeResponseFailed');
    expect(failed?.fields.filter(([n]) => ['Challenge', 'Response', 'ExpectedResponse'].includes(n))).toEqual([
      ['Challenge', challenge],
      ['Response', '00000000000000000000000000000000'],
      ['ExpectedResponse', createHash('md5').update(`${challenge}labsecret`).digest('hex')],
    ]);
  });

  it('asks for an AuthType when Challenge has none', () => {
    const h = harness(recordedPbx('a_phone1_two_contacts_queries.txt', 'S1', 'S1-2'));
    expect(h.send('Action: Challenge\r\nActionID: c\r\n\r\n')).toBe('Response: Error\r\nActionID: c\r\nMessage: Must specify AuthType\r\n\r\n');
  });
});
