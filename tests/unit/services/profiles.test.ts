import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../src-main/services/api';
import { ProfileStore } from '../../../src-main/services/profiles';

// A keystore stand-in with real (reversible, non-plain) sealing, so the test can look for the plain secret on disk.
function xorStore(available = true): SecretStore {
  const seal = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isAvailable: () => available,
    encrypt: (plain) => seal(Buffer.from(plain, 'utf8')),
    decrypt: (sealed) => seal(sealed).toString('utf8'),
  };
}

const profile = { name: 'Tokyo HQ', host: '192.0.2.10', port: 5038, username: 'regdesk', tls: false };
const SECRET = 'very-secret-ami-password';

function filesContaining(dir: string, needle: string): string[] {
  return readdirSync(dir).filter((f) => readFileSync(join(dir, f), 'utf8').includes(needle));
}

describe('PBX profiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'regdesk-profiles-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the secret only sealed, and reads it back after a restart', () => {
    const id = new ProfileStore(dir, xorStore()).add(profile, SECRET).id;
    expect(filesContaining(dir, SECRET)).toEqual([]);
    const reopened = new ProfileStore(dir, xorStore());
    expect(reopened.list().map((p) => p.name)).toEqual(['Tokyo HQ']);
    expect(reopened.secret(id)).toBe(SECRET);
  });

  it('keeps the secret in memory only when no keystore exists', () => {
    const store = new ProfileStore(dir, xorStore(false));
    const id = store.add(profile, SECRET).id;
    expect(store.secret(id)).toBe(SECRET);
    expect(filesContaining(dir, SECRET)).toEqual([]);
    expect(new ProfileStore(dir, xorStore(false)).secret(id)).toBeNull();
  });

  it('refuses a secret or username with a line break (AMI header injection)', () => {
    const store = new ProfileStore(dir, xorStore());
    expect(() => store.add(profile, 'pw\r\nAction: Originate')).toThrow(/line break/);
    expect(() => store.add({ ...profile, username: 'a\nb' }, SECRET)).toThrow(/line break/);
    expect(store.list()).toEqual([]);
  });

  it('updates a profile without touching its secret when none is given', () => {
    const store = new ProfileStore(dir, xorStore());
    const id = store.add(profile, SECRET).id;
    store.update(id, { ...profile, name: 'Osaka' }, null);
    expect(store.get(id).name).toBe('Osaka');
    expect(store.secret(id)).toBe(SECRET);
  });

  it('reports a corrupt profiles file instead of silently replacing it', () => {
    new ProfileStore(dir, xorStore()).add(profile, SECRET);
    const file = join(dir, 'profiles.json');
    writeFileSync(file, '{"version":1,"prof');
    expect(() => new ProfileStore(dir, xorStore())).toThrow(/not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{"version":1,"prof');
  });
});
