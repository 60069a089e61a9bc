import { describe, expect, it } from 'vitest';
import { AmiTlsError } from '../../../src-main/ami/errors';
import { normalizeFingerprint, refuseCertificate } from '../../../src-main/ami/tls';

const HEX = 'AB'.repeat(31) + '0F';
const COLONS = HEX.match(/../g)!.join(':');
const OTHER = COLONS.replace(/^AB/, 'CD');

describe('normalizeFingerprint', () => {
  it('reads the fingerprint as openssl prints it, lower case, without colons, or with spaces', () => {
    for (const pasted of [COLONS, `sha256 Fingerprint=${COLONS}`, `SHA256 Fingerprint=${COLONS}`, HEX.toLowerCase(), `  ${COLONS.replaceAll(':', ' ')}\n`]) {
      expect(normalizeFingerprint(pasted), pasted).toBe(COLONS);
    }
  });

  it('refuses what is not 32 bytes of hex (a SHA-1 fingerprint, a stray letter, nothing)', () => {
    for (const wrong of ['', COLONS.slice(0, 59), `${COLONS}:00`, COLONS.replace(/^AB/, 'AG'), 'AB:CD']) {
      expect(normalizeFingerprint(wrong), wrong).toBeNull();
    }
  });
});

describe('refuseCertificate', () => {
  const selfSigned = { fingerprint256: COLONS, authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' };
  const caSigned = { fingerprint256: COLONS, authorized: true, authorizationError: null };

  it('accepts a certificate the system CAs verify when nothing is pinned', () => {
    expect(refuseCertificate('pbx:5039', caSigned, { pinnedFingerprint: null })).toBeNull();
  });

  it('refuses an unverified certificate with nothing pinned as tlsUntrusted, carrying its fingerprint', () => {
    const refusal = refuseCertificate('pbx:5039', selfSigned, { pinnedFingerprint: null });
    expect(refusal).toBeInstanceOf(AmiTlsError);
    expect(refusal?.code).toBe('tlsUntrusted');
    expect(refusal?.fingerprint).toBe(COLONS);
    expect(refusal?.message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('accepts the pinned certificate even though no CA vouches for it', () => {
    expect(refuseCertificate('pbx:5039', selfSigned, { pinnedFingerprint: HEX.toLowerCase() })).toBeNull();
  });

  it('refuses any other certificate once one is pinned, even one the system CAs verify', () => {
    const refusal = refuseCertificate('pbx:5039', caSigned, { pinnedFingerprint: OTHER });
    expect(refusal?.code).toBe('tlsMismatch');
    expect(refusal?.fingerprint).toBe(COLONS);
    expect(refusal?.message).toContain(OTHER);
  });
});
