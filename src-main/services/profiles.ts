// PBX profiles in the user data folder. The AMI secret, and an SSH password or key passphrase,
// are stored only sealed by the SecretStore (Electron safeStorage: the OS keychain); without a
// keystore they are kept in memory for this run and never written, so no secret ever sits on
// disk in plain text. An SSH key file is referenced by its path, never copied.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { normalizeSshFingerprint } from '../ami/ssh-host-key';
import { normalizeFingerprint } from '../ami/tls';
import { ServiceFailure, type PbxId, type PbxProfileInput, type PbxSshProfile, type SecretStore } from './api';
import { readJsonFile, writeFileAtomic } from './atomic-file';
import { checkAmiHeaderValue } from './validate';

export interface StoredProfile extends PbxProfileInput {
  id: PbxId;
  /** base64 of the SecretStore-sealed secret; absent when it could not be stored. */
  sealedSecret?: string;
  /** base64 of the sealed SSH password or key passphrase; absent when none or not storable. */
  sealedSshSecret?: string;
}

/** Where a secret of a profile is kept: the AMI secret, or the SSH password / key passphrase. */
const SECRET_SLOTS = ['sealedSecret', 'sealedSshSecret'] as const;
type SecretSlot = (typeof SECRET_SLOTS)[number];

interface ProfilesFile {
  version: 1;
  profiles: StoredProfile[];
}

export class ProfileStore {
  private readonly file: string;
  private profiles: StoredProfile[];
  /** Secrets that could not be sealed (no keystore): this run only, keyed by slot and id. */
  private readonly memorySecrets = new Map<string, string>();

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

  add(input: PbxProfileInput, secret: string, sshSecret: string | null = null): StoredProfile {
    const profile: StoredProfile = { ...validateProfile(input), id: randomUUID() };
    this.setSecret(profile, 'sealedSecret', secret);
    if (profile.ssh && sshSecret) this.setSecret(profile, 'sealedSshSecret', sshSecret);
    this.requireSshPassword(profile);
    this.save([...this.profiles, profile]);
    return { ...profile };
  }

  update(id: PbxId, input: PbxProfileInput, secret: string | null, sshSecret: string | null = null): StoredProfile {
    const old = this.get(id);
    const profile: StoredProfile = { ...validateProfile(input), id, ...(old.sealedSecret ? { sealedSecret: old.sealedSecret } : {}) };
    if (secret !== null) this.setSecret(profile, 'sealedSecret', secret);
    // A password is no passphrase: the stored SSH secret stays only while it means the same thing.
    const sameSshCredential = profile.ssh && old.ssh && profile.ssh.auth === old.ssh.auth && profile.ssh.keyFile === old.ssh.keyFile;
    if (sshSecret) this.setSecret(profile, 'sealedSshSecret', sshSecret);
    else if (sameSshCredential && old.sealedSshSecret) profile.sealedSshSecret = old.sealedSshSecret;
    else if (!sameSshCredential) this.memorySecrets.delete(memoryKey('sealedSshSecret', id));
    this.requireSshPassword(profile);
    this.save(this.profiles.map((p) => (p.id === id ? profile : p)));
    return { ...profile };
  }

  remove(id: PbxId): void {
    this.get(id);
    this.memorySecrets.delete(memoryKey('sealedSecret', id));
    this.memorySecrets.delete(memoryKey('sealedSshSecret', id));
    this.save(this.profiles.filter((p) => p.id !== id));
  }

  /** The AMI secret for connecting; null when it was never given, could not be kept across
   *  restarts, or is sealed by a store that is still locked (the passphrase not entered yet). */
  secret(id: PbxId): string | null {
    return this.readSecret(id, 'sealedSecret');
  }

  /** The SSH password or key passphrase; null when none was given or it could not be kept. */
  sshSecret(id: PbxId): string | null {
    return this.readSecret(id, 'sealedSshSecret');
  }

  /** Whether the profile's AMI secret is sealed on disk (it may need the store unlocked). */
  hasSealedSecret(id: PbxId): boolean {
    return Boolean(this.get(id).sealedSecret);
  }

  /** The store became available (a passphrase was set): seal the secrets kept in memory. */
  sealMemorySecrets(): void {
    if (!this.secrets.isAvailable() || this.memorySecrets.size === 0) return;
    const next = this.profiles.map((p) => {
      const sealed = { ...p };
      for (const slot of SECRET_SLOTS) {
        const plain = this.memorySecrets.get(memoryKey(slot, p.id));
        if (plain !== undefined) sealed[slot] = this.secrets.encrypt(plain).toString('base64');
      }
      return sealed;
    });
    this.save(next);
    this.memorySecrets.clear();
  }

  /** Password auth with no password would only fail at the SSH server: refused before saving. */
  private requireSshPassword(profile: StoredProfile): void {
    if (profile.ssh?.auth !== 'password' || profile.sealedSshSecret || this.memorySecrets.has(memoryKey('sealedSshSecret', profile.id))) return;
    throw new ServiceFailure('invalidArgument', 'SSH password authentication needs the password');
  }

  private readSecret(id: PbxId, slot: SecretSlot): string | null {
    const p = this.get(id);
    const key = memoryKey(slot, id);
    if (this.memorySecrets.has(key)) return this.memorySecrets.get(key)!;
    const sealed = p[slot];
    if (!sealed || !this.secrets.isAvailable()) return null;
    return this.secrets.decrypt(Buffer.from(sealed, 'base64'));
  }

  private setSecret(profile: StoredProfile, slot: SecretSlot, secret: string): void {
    checkAmiHeaderValue(slot === 'sealedSecret' ? 'secret' : 'SSH password or passphrase', secret);
    const key = memoryKey(slot, profile.id);
    if (this.secrets.isAvailable()) {
      profile[slot] = this.secrets.encrypt(secret).toString('base64');
      this.memorySecrets.delete(key);
    } else {
      delete profile[slot];
      this.memorySecrets.set(key, secret);
    }
  }

  private save(next: StoredProfile[]): void {
    const file: ProfilesFile = { version: 1, profiles: next };
    writeFileAtomic(this.file, JSON.stringify(file, null, 2) + '\n');
    this.profiles = next;
  }
}

function memoryKey(slot: SecretSlot, id: PbxId): string {
  return `${slot}/${id}`;
}

function validHost(what: string, text: string): string {
  const host = text.trim();
  if (!host || /[\s/]/.test(host)) throw new ServiceFailure('invalidArgument', `invalid ${what}: ${JSON.stringify(text)}`);
  return host;
}

function validPort(what: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ServiceFailure('invalidArgument', `invalid ${what}: ${port}`);
  return port;
}

function validateSsh(ssh: PbxSshProfile | null | undefined): PbxSshProfile | null {
  if (!ssh) return null;
  checkAmiHeaderValue('SSH user', ssh.username);
  if (!ssh.username) throw new ServiceFailure('invalidArgument', 'the SSH user is empty');
  if (!['agent', 'key', 'password'].includes(ssh.auth)) throw new ServiceFailure('invalidArgument', `invalid SSH authentication ${JSON.stringify(ssh.auth)}`);
  const keyFile = ssh.auth === 'key' ? (ssh.keyFile ?? '').trim() : '';
  if (ssh.auth === 'key' && !keyFile) throw new ServiceFailure('invalidArgument', 'the SSH private key file is not given');
  checkAmiHeaderValue('SSH key file', keyFile);
  const pinText = ssh.hostKeyFingerprint?.trim() ?? '';
  const hostKeyFingerprint = pinText === '' ? null : normalizeSshFingerprint(pinText);
  if (pinText !== '' && hostKeyFingerprint === null) {
    throw new ServiceFailure('invalidArgument', `invalid SSH host key fingerprint ${JSON.stringify(pinText)}: expected SHA256:... as ssh-keygen -lf prints it`);
  }
  return {
    host: validHost('SSH host', ssh.host),
    port: validPort('SSH port', ssh.port),
    username: ssh.username,
    auth: ssh.auth,
    keyFile: keyFile || null,
    hostKeyFingerprint,
  };
}

function validateProfile(input: PbxProfileInput): PbxProfileInput {
  const name = input.name.trim();
  if (!name) throw new ServiceFailure('invalidArgument', 'the PBX needs a name');
  const host = validHost('host', input.host);
  const port = validPort('port', input.port);
  checkAmiHeaderValue('username', input.username);
  if (!input.username) throw new ServiceFailure('invalidArgument', 'the AMI username is empty');
  const ssh = validateSsh(input.ssh);
  if (ssh && input.tls) throw new ServiceFailure('invalidArgument', 'TLS and SSH cannot be combined: through SSH, AMI already runs over an encrypted link');
  return { name, host, port, username: input.username, tls: Boolean(input.tls), tlsFingerprint: validFingerprint(input.tlsFingerprint), ssh };
}

function validFingerprint(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  const fingerprint = normalizeFingerprint(text);
  if (fingerprint === null) {
    throw new ServiceFailure('invalidArgument', `invalid TLS certificate fingerprint ${JSON.stringify(text)}: expected the 32-byte SHA-256 one (AB:CD:... as openssl x509 -noout -fingerprint -sha256 prints it)`);
  }
  return fingerprint;
}
