import { describe, expect, it } from 'vitest';
import { AmiHeaderInjectionError } from '../../../src-main/ami/errors';
import { serializeAction } from '../../../src-main/ami/writer';

describe('serializeAction', () => {
  it('writes the action, its fields in order and the ActionID, ending with an empty line', () => {
    expect(serializeAction({ Action: 'DBGet', Family: 'registrar/contact', Key: 'phone1;@0ca336795b4b748e1af6a94a41d43e4d' }, 'RD-1')).toBe(
      'Action: DBGet\r\nFamily: registrar/contact\r\nKey: phone1;@0ca336795b4b748e1af6a94a41d43e4d\r\nActionID: RD-1\r\n\r\n',
    );
  });

  it('leaves out optional fields that are not given', () => {
    expect(serializeAction({ Action: 'Getvar', Variable: 'PJSIP_DIAL_CONTACTS(phone1)' }, 'x')).toBe(
      'Action: Getvar\r\nVariable: PJSIP_DIAL_CONTACTS(phone1)\r\nActionID: x\r\n\r\n',
    );
  });

  for (const [label, bad] of [
    ['CR', 'phone1;@abc\rAction: DBDelTree'],
    ['LF', 'phone1;@abc\nFamily: registrar'],
    ['CRLF', 'phone1;@abc\r\n\r\nAction: Logoff'],
    ['NUL', 'phone1;@abc\u0000'],
  ] as const) {
    it(`refuses a ${label} in a value, naming the field`, () => {
      let error: unknown;
      try {
        serializeAction({ Action: 'DBDel', Family: 'registrar/contact', Key: bad }, 'RD-2');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AmiHeaderInjectionError);
      expect((error as AmiHeaderInjectionError).field).toBe('Key');
      expect((error as Error).message).toMatch(/"Key" contains CR, LF or NUL/);
    });
  }

  it('refuses a CR or LF in the ActionID and in a key', () => {
    expect(() => serializeAction({ Action: 'Ping' }, 'a\r\nAction: Logoff')).toThrow(AmiHeaderInjectionError);
    const forged = { Action: 'Ping', 'X\r\nAction: Logoff': 'y' } as unknown as Parameters<typeof serializeAction>[0];
    expect(() => serializeAction(forged, '1')).toThrow(AmiHeaderInjectionError);
  });

  it('refuses CR/LF in a login secret', () => {
    expect(() => serializeAction({ Action: 'Login', Username: 'lab', Secret: 's\r\nEvents: off', Events: 'on' }, '1')).toThrow(/"Secret"/);
  });
});
