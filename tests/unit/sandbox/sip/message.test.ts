import { describe, expect, it } from 'vitest';
import {
  headerParams,
  headerUri,
  headerValue,
  headerValues,
  MAX_SIP_MESSAGE_BYTES,
  parseSipMessage,
  serializeSipMessage,
  SipParseError,
  uriUser,
} from '../../../../src-main/sandbox/sip/message';

// The REGISTER sipp sent in recording b (tests/fixtures/b_phone1_third_contact_max_contacts.txt).
const RECORDED_REGISTER = [
  'REGISTER sip:127.0.0.1:5060 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5073;branch=z9hG4bK-21367-1-1;rport',
  'Max-Forwards: 70',
  'From: <sip:phone1@127.0.0.1>;tag=21367lab1',
  'To: <sip:phone1@127.0.0.1>',
  'Call-ID: d6590ceee04377cb8a709f1d@127.0.0.1',
  'CSeq: 1 REGISTER',
  'Contact: <sip:phone1@127.0.0.1:5073;rinstance=3dd819a216e5962a>',
  'Expires: 3600',
  'Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE',
  'User-Agent: Grandstream GXP2170 1.0.11.3',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

describe('SIP message parsing', () => {
  it('reads a recorded REGISTER and writes it back byte for byte', () => {
    const msg = parseSipMessage(Buffer.from(RECORDED_REGISTER));
    expect(msg).toMatchObject({ kind: 'request', method: 'REGISTER', uri: 'sip:127.0.0.1:5060' });
    expect(headerValue(msg.headers, 'call-id')).toBe('d6590ceee04377cb8a709f1d@127.0.0.1');
    expect(serializeSipMessage(msg).toString()).toBe(RECORDED_REGISTER);
  });

  it('understands compact header names, folded lines and several contacts in one header', () => {
    const msg = parseSipMessage(
      Buffer.from('REGISTER sip:x SIP/2.0\r\nv: SIP/2.0/UDP a\r\ni: abc\r\nm: <sip:a@b;x=1>;expires=10,\r\n "Desk, 2" <sip:c@d>\r\nl: 0\r\n\r\n'),
    );
    expect(headerValue(msg.headers, 'Call-ID')).toBe('abc');
    expect(headerValues(msg.headers, 'contact')).toEqual(['<sip:a@b;x=1>;expires=10', '"Desk, 2" <sip:c@d>']);
  });

  it.each([
    ['no blank line after the headers (truncated)', 'REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP a\r\n'],
    ['a body shorter than Content-Length (truncated)', 'OPTIONS sip:x SIP/2.0\r\nContent-Length: 10\r\n\r\nabc'],
    ['a bad Content-Length', 'OPTIONS sip:x SIP/2.0\r\nContent-Length: -1\r\n\r\n'],
    ['a header line without a colon', 'OPTIONS sip:x SIP/2.0\r\nVia SIP/2.0/UDP a\r\n\r\n'],
    ['a start line that is not SIP', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['binary noise', '\u0000\u0001\u0002\r\n\r\n'],
    ['a bare LF inside a header (AMI injection through a Call-ID)', 'REGISTER sip:x SIP/2.0\r\nCall-ID: a\nEvent: Forged\r\n\r\n'],
    ['a bare CR inside a header', 'REGISTER sip:x SIP/2.0\r\nCall-ID: a\rb\r\n\r\n'],
    ['a bare LF right after a line end', 'REGISTER sip:x SIP/2.0\r\nCall-ID: a\r\n\nEvent: Forged\r\n\r\n'],
    ['a CR doubled before a line end', 'REGISTER sip:x SIP/2.0\r\nCall-ID: a\r\r\nX: y\r\n\r\n'],
    ['a NUL inside a header', 'REGISTER sip:x SIP/2.0\r\nCall-ID: a\u0000b\r\n\r\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseSipMessage(Buffer.from(text))).toThrow(SipParseError);
  });

  it('refuses a datagram larger than pjsip accepts', () => {
    const big = Buffer.alloc(MAX_SIP_MESSAGE_BYTES + 1, 'a');
    expect(() => parseSipMessage(big)).toThrow(/exceeds/);
  });
});

describe('header values', () => {
  it('reads URIs, users and parameters of name-addr and addr-spec forms', () => {
    expect(headerUri('"Desk" <sip:phone1@127.0.0.1:5071;rinstance=ab>;expires=60')).toBe('sip:phone1@127.0.0.1:5071;rinstance=ab');
    expect(headerParams('"Desk" <sip:phone1@h;rinstance=ab>;expires=60;+sip.instance="<urn:x>"').get('expires')).toBe('60');
    expect(headerParams('sip:a@b;expires=5').get('expires')).toBe('5');
    expect(headerParams('sip:a@b').size).toBe(0);
    expect(uriUser('sip:phone1@127.0.0.1')).toBe('phone1');
    expect(uriUser('sip:ph%6Fne1:secret@h')).toBe('phone1');
    expect(uriUser('sip:127.0.0.1:5060')).toBe('');
    expect(uriUser('sip:bad%zz@h')).toBe('bad%zz');
  });
});
