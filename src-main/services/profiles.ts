// PBX profiles in the user data folder. The AMI secret is stored only sealed by the
// SecretStore (Electron safeStorage: the OS keychain); without a keystore it is kept in
// memory for this run and never written, so no secret ever sits on disk in plain text.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { normalizeFingerprint } from '../ami/tls';
import { ServiceFailure, type PbxId, type PbxProfileInput, type SecretStore } from './api';
import { readJsonFile, writeFileAtomic } from './atomic-file';
import { checkAmiHeaderValue } from './validate';

export interface StoredProfile extends PbxProfileInput {
  id: PbxId;
  /** base64 of the SecretStore-sealed secret; absent when it could not be stored. */
  sealedSecret?: string;
}

interface ProfilesFile {
  version: 1;
  profiles: StoredProfile[];
}

export class ProfileStore {
  private readonly file: string;
  private profiles: StoredProfile[];
  /** Secrets that could not be sealed (no keystore): this run only. */
  private readonly memorySecrets = new Map<PbxId, string>();

  constructor(
    dataDir: string,
    private readonly secrets: SecretStore,
  ) {
    this.file = join(dataDir, 'profiles.json');
    this.profiles = readJsonFile<ProfilesFile>(this.file, { version: 1, profiles: [] }).profiles;
  }

  list(): StoredProfile[] {
    return this.profiles.map((p) => ({ ...p }));
  }

  get(id: PbxId): StoredProfile {
    const p = this.profiles.find((x) => x.id === id);
    if (!p) throw new ServiceFailure('notFound', `no PBX profile ${id}`);
    return { ...p };
  }

  add(input: PbxProfileInput, secret: string): StoredProfile {
    const profile: StoredProfile = { ...validateProfile(input), id: randomUUID() };
    this.setSecret(profile, secret);
    this.save([...this.profiles, profile]);
    return { ...profile };
  }

  update(id: PbxId, input: PbxProfileInput, secret: string | null): StoredProfile {
    const old = this.get(id);
    const profile: StoredProfile = { ...validateProfile(input), id, ...(old.sealedSecret ? { sealedSecret: old.sealedSecret } : {}) };
    if (secret !== null) this.setSecret(profile, secret);
    this.save(this.profiles.map((p) => (p.id === id ? profile : p)));
    return { ...profile };
  }

  remove(id: PbxId): void {
    this.get(id);
    this.memorySecrets.delete(id);
    this.save(this.profiles.filter((p) => p.id !== id));
  }

  /** The secret for connecting; null when it was never given, could not be kept across
   *  restarts, or is sealed by a store that is still locked (the passphrase not entered yet). */
  secret(id: PbxId): string | null {
    const p = this.get(id);
    if (this.memorySecrets.has(id)) return this.memorySecrets.get(id)!;
    if (!p.sealedSecret || !this.secrets.isAvailable()) return null;
    return this.secrets.decrypt(Buffer.from(p.sealedSecret, 'base64'));
  }

  /** Whether the profile's secret is sealed on disk (it may need the store unlocked). */
  hasSealedSecret(id: PbxId): boolean {
    return Boolean(this.get(id).sealedSecret);
  }

  /** The store became available (a passphrase was set): seal the secrets kept in memory. */
  sealMemorySecrets(): void {
    if (!this.secrets.isAvailable() || this.memorySecrets.size === 0) return;
    const next = this.profiles.map((p) => {
      const plain = this.memorySecrets.get(p.id);
      return plain === undefined ? p : { ...p, sealedSecret: this.secrets.encrypt(plain).toString('base64') };
    });
    this.save(next);
    this.memorySecrets.clear();
  }

  private setSecret(profile: StoredProfile, secret: string): void {
    checkAmiHeaderValue('secret', secret);
    if (this.secrets.isAvailable()) {
      profile.sealedSecret = this.secrets.encrypt(secret).toString('base64');
      this.memorySecrets.delete(profile.id);
    } else {
      delete profile.sealedSecret;
      this.memorySecrets.set(profile.id, secret);
    }
  }

  private save(next: StoredProfile[]): void {
    const file: ProfilesFile = { version: 1, profiles: next };
    writeFileAtomic(this.file, JSON.stringify(file, null, 2) + '\n');
    this.profiles = next;
  }
}

function validateProfile(input: PbxProfileInput): PbxProfileInput {
  const name = input.name.trim();
  const host = input.host.trim();
  if (!name) throw new ServiceFailure('invalidArgument', 'the PBX needs a name');
  if (!host || /[\s/]/.test(host)) throw new ServiceFailure('invalidArgument', `invalid host: ${JSON.stringify(input.host)}`);
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) {
    throw new ServiceFailure('invalidArgument', `invalid port: ${input.port}`);
  }
  checkAmiHeaderValue('username', input.username);
  if (!input.username) throw new ServiceFailure('invalidArgument', 'the AMI username is empty');
  return { name, host, port: input.port, username: input.username, tls: Boolean(input.tls), tlsFingerprint: validFingerprint(input.tlsFingerprint) };
}

function validFingerprint(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  const fingerprint = normalizeFingerprint(text);
  if (fingerprint === null) {
    throw new ServiceFailure('invalidArgument', `invalid TLS certificate fingerprint ${JSON.stringify(text)}: expected the 32-byte SHA-256 one (AB:CD:... as openssl x509 -noout -fingerprint -sha256 prints it)`);
  }
  return fingerprint;
}
