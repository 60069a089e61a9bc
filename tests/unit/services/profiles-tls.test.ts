import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../src-main/services/api';
import { ProfileStore } from '../../../src-main/services/profiles';

const keystore: SecretStore = {
  isAvailable: () => true,
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
  decrypt: (sealed) => Buffer.from(sealed).reverse().toString('utf8'),
};

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':');
const profile = { name: 'Osaka', host: 'pbx.example', port: 5039, username: 'regdesk', tls: true };

describe('the TLS certificate pin of a PBX profile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'regdesk-profiles-tls-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is stored in the colon form openssl prints, whatever form was pasted, and survives a restart', () => {
    const pasted = `sha256 Fingerprint=${FINGERPRINT.replaceAll(':', '').toLowerCase()}`;
    const id = new ProfileStore(dir, keystore).add({ ...profile, tlsFingerprint: pasted }, 'secret').id;
    expect(new ProfileStore(dir, keystore).get(id).tlsFingerprint).toBe(FINGERPRINT);
  });

  it('is null when left empty or omitted, and can be cleared by an update', () => {
    const store = new ProfileStore(dir, keystore);
    expect(store.add(profile, 'secret').tlsFingerprint).toBeNull();
    const pinned = store.add({ ...profile, name: 'Pinned', tlsFingerprint: FINGERPRINT }, 'secret');
    expect(store.update(pinned.id, { ...profile, name: 'Pinned', tlsFingerprint: '  ' }, null).tlsFingerprint).toBeNull();
  });

  it('refuses what is not a SHA-256 fingerprint (a SHA-1 one is 20 bytes)', () => {
    const sha1 = FINGERPRINT.split(':').slice(0, 20).join(':');
    expect(() => new ProfileStore(dir, keystore).add({ ...profile, tlsFingerprint: sha1 }, 'secret')).toThrow(/invalid TLS certificate fingerprint/);
  });
});
