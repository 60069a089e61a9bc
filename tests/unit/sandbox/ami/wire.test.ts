import { describe, expect, it } from 'vitest';
import { AmiHeaderError, encodeMessage, error } from '../../../../src-main/sandbox/ami/wire';
import { harness } from './session-harness';
import { recordedPbx } from './recorded-lab';

describe('AMI output', () => {
  it('refuses a value or name with CR, LF or NUL instead of escaping it', () => {
    expect(() => encodeMessage([['Val', 'a\r\nEvent: Forged']])).toThrow(AmiHeaderError);
    expect(() => encodeMessage([['Bad\nName', 'x']])).toThrow(/header name/);
    expect(() => encodeMessage([['Val', 'nul\u0000']])).toThrow(/value of Val/);
  });

  it('writes the bare LF Asterisk puts after some error texts', () => {
    expect(error('S3-4', 'PJSIPShowEndpoint requires an endpoint name', { bareLf: true })).toBe(
      'Response: Error\r\nActionID: S3-4\r\nMessage: PJSIPShowEndpoint requires an endpoint name\n\r\n\r\n',
    );
  });

  it('answers a DBGet whose stored value holds a lone CR with an error that echoes nothing', () => {
    const h = harness(recordedPbx('a_phone1_two_contacts_queries.txt', 'S1', 'S1-2'));
    h.send('Action: Login\r\nUsername: lab\r\nSecret: labsecret\r\nEvents: off\r\n\r\n');
    expect(h.send('Action: DBPut\r\nFamily: f\r\nKey: k\r\nVal: a\rEvent: Forged\r\nActionID: 1\r\n\r\n')).toBe(
      'Response: Success\r\nActionID: 1\r\nMessage: Updated database successfully\r\n\r\n',
    );
    expect(h.send('Action: DBGet\r\nFamily: f\r\nKey: k\r\nActionID: 2\r\n\r\n')).toBe(
      'Response: Error\r\nMessage: Refused to write a value containing CR, LF or NUL\r\n\r\n',
    );
  });
});

describe('answers to an overlong action name', () => {
  it('cuts the unknown-command text at 511 characters and RequestType at 63, as manager.c buffers do', () => {
    const reports: string[] = [];
    const h = harness(recordedPbx('a_phone1_two_contacts_queries.txt', 'S1', 'S1-2'), {
      broadcast: (e) => reports.push(e.fields.find(([n]) => n === 'RequestType')?.[1] ?? ''),
    });
    h.send('Action: Login\r\nUsername: lab\r\nSecret: labsecret\r\nEvents: off\r\n\r\n');
    const name = 'X'.repeat(600);
    const answer = h.send(`Action: ${name}\r\n\r\n`);
    expect(answer).toBe(`Response: Error\r\nMessage: ${`Invalid/unknown command: ${name}`.slice(0, 511)}\r\n\r\n`);
    expect(reports.at(-1)).toBe(`Action: ${name}`.slice(0, 63));
  });
});
