import { describe, expect, it } from 'vitest';
import { isSipUri, sipUriEquals } from '../../../src-main/core/sip-uri';

const uri = 'sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35';

describe('SIP URI equality (RFC 3261 19.1.4, as pjsip_uri_cmp)', () => {
  it('matches the same phone whatever the host case, parameter order or escapes', () => {
    expect(sipUriEquals(uri, 'SIP:phone1@127.0.0.1:5071;RINSTANCE=889CA9D147FD1B35')).toBe(true);
    expect(sipUriEquals('sip:a@Example.COM;transport=tcp;lr', 'sip:a@example.com;lr;transport=TCP')).toBe(true);
    expect(sipUriEquals('sip:%61lice@host', 'sip:alice@host')).toBe(true);
  });

  it('tells apart user case, port, default port written out, and scheme', () => {
    expect(sipUriEquals('sip:Phone1@host', 'sip:phone1@host')).toBe(false);
    expect(sipUriEquals(uri, uri.replace('5071', '5072'))).toBe(false);
    expect(sipUriEquals('sip:a@host', 'sip:a@host:5060')).toBe(false);
    expect(sipUriEquals('sip:a@host', 'sips:a@host')).toBe(false);
  });

  it('compares transport/user/ttl/method/maddr when either side has them, other parameters only when both do', () => {
    expect(sipUriEquals('sip:a@host;transport=tcp', 'sip:a@host')).toBe(false);
    expect(sipUriEquals('sip:a@host;rinstance=1', 'sip:a@host')).toBe(true);
    expect(sipUriEquals('sip:a@host;rinstance=1', 'sip:a@host;rinstance=2')).toBe(false);
  });

  it('needs the same headers on both sides', () => {
    expect(sipUriEquals('sip:a@host?subject=x', 'sip:a@host')).toBe(false);
    expect(sipUriEquals('sip:a@host?subject=x', 'sip:a@host?subject=x')).toBe(true);
  });

  it('accepts only sip: and sips: as registrable schemes', () => {
    expect(isSipUri(uri)).toBe(true);
    expect(isSipUri('SIPS:a@host')).toBe(true);
    expect(isSipUri('tel:+15551234')).toBe(false);
  });
});
