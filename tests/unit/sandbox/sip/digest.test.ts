import { describe, expect, it } from 'vitest';
import { DigestAuthority, expectedDigestResponse, NONCE_LIFETIME_SECONDS, parseDigestAuthorization } from '../../../../src-main/sandbox/sip/digest';

// The authenticated REGISTER sipp sent to the real Asterisk in recording b (password pw-phone1).
const RECORDED_AUTHORIZATION =
  'Digest username="phone1",realm="asterisk",cnonce="6b8b4567",nc=00000001,qop=auth,uri="sip:127.0.0.1:5060",' +
  'nonce="1795672833/3a85a13542673162c676294d6f4df131",response="2fa5de23cf23d5133cf772517f561578",algorithm=MD5,opaque="7fa6ba23167b4029"';

describe('digest authentication', () => {
  it('computes the response the recorded phone sent to Asterisk', () => {
    const c = parseDigestAuthorization(RECORDED_AUTHORIZATION)!;
    expect(c).toMatchObject({ username: 'phone1', realm: 'asterisk', qop: 'auth', nc: '00000001', cnonce: '6b8b4567' });
    expect(expectedDigestResponse(c, 'REGISTER', 'pw-phone1')).toBe(c.response);
    expect(expectedDigestResponse(c, 'REGISTER', 'wrong')).not.toBe(c.response);
  });

  it('refuses Authorization headers that are not usable Digest credentials', () => {
    expect(parseDigestAuthorization('Basic cGhvbmUxOnB3')).toBeNull();
    expect(parseDigestAuthorization('Digest username="phone1"')).toBeNull();
    expect(parseDigestAuthorization('Digest username="phone1,realm=x')).toBeNull();
  });

  const authority = new DigestAuthority();
  const remote = '127.0.0.1';
  const answer = (nonce: string, password: string) => {
    const c = { username: 'phone1', realm: 'asterisk', nonce, uri: 'sip:127.0.0.1:5060', qop: 'auth', nc: '00000001', cnonce: 'abcd' };
    return { ...c, response: expectedDigestResponse(c, 'REGISTER', password), algorithm: 'MD5', opaque: null };
  };

  it('challenges as Asterisk 22 does and accepts the right answer', () => {
    const { header, nonce } = authority.challenge(remote, 1000);
    expect(header).toMatch(/^Digest realm="asterisk",nonce="1000\/[0-9a-f]{32}",opaque="[0-9a-f]{16}",algorithm=MD5,qop="auth"$/);
    expect(authority.verify(answer(nonce, 'pw-phone1'), 'REGISTER', 'pw-phone1', remote, 1001)).toBe('ok');
  });

  it('gives every challenge its own random opaque, well past one batch of random bytes', () => {
    const opaques = Array.from({ length: 1000 }, () => /opaque="([^"]*)"/.exec(authority.challenge(remote, 1000).header)![1]!);
    expect(opaques.every((o) => /^[0-9a-f]{16}$/.test(o))).toBe(true);
    expect(new Set(opaques).size).toBe(opaques.length);
  });

  it('tells a wrong password from a stale or forged nonce', () => {
    const { nonce } = authority.challenge(remote, 1000);
    expect(authority.verify(answer(nonce, 'nope'), 'REGISTER', 'pw-phone1', remote, 1001)).toBe('wrongPassword');
    expect(authority.verify(answer(nonce, 'pw-phone1'), 'REGISTER', 'pw-phone1', remote, 1000 + NONCE_LIFETIME_SECONDS + 1)).toBe('stale');
    expect(authority.verify(answer(nonce, 'pw-phone1'), 'REGISTER', 'pw-phone1', '127.0.0.2', 1001)).toBe('badNonce');
    expect(authority.verify(answer('1000/' + '0'.repeat(32), 'pw-phone1'), 'REGISTER', 'pw-phone1', remote, 1001)).toBe('badNonce');
    expect(authority.verify(answer(new DigestAuthority().challenge(remote, 1000).nonce, 'pw-phone1'), 'REGISTER', 'pw-phone1', remote, 1001)).toBe('badNonce');
  });
});
