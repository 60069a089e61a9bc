// A SecretStore for machines without an OS keystore (browser mode; Linux without a keyring): the
// admin's RegDesk passphrase seals every secret on disk. The key comes from scrypt (memory-hard:
// 2^15 x 8 x 128 bytes = 32 MiB per guess) over a random salt; each secret is sealed with
// AES-256-GCM under a fresh nonce, so a changed byte is detected, never decrypted into garbage.
// vault.json holds only the KDF parameters, the salt and a sealed check value: no secret, and
// nothing that tells the passphrase without paying scrypt per guess. Unlocked once per start.
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceFailure, type SecretStore } from './api';
import { readJsonFile, writeFileAtomic } from './atomic-file';

interface VaultFile {
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  /** CHECK_TEXT sealed with the key: a wrong passphrase fails to open it. */
  check: string;
}

export type VaultState = 'none' | 'locked' | 'unlocked';

const KDF = { N: 2 ** 15, r: 8, p: 1 } as const;
const CHECK_TEXT = 'regdesk-vault-check';
/** Bound to every sealed value: a vault's box cannot be passed off as another format's. */
const AAD = Buffer.from('regdesk-vault-v1');
const FORMAT = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const MIN_PASSPHRASE_LENGTH = 8;

function deriveKey(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 32, { ...kdf, maxmem: 256 * kdf.N * kdf.r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function seal(key: Buffer, plain: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(AAD);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT]), nonce, cipher.getAuthTag(), body]);
}

/** The plain text, or null when the key is wrong or the box was altered. */
function open(key: Buffer, sealed: Buffer): string | null {
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== FORMAT) return null;
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const tag = sealed.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce).setAAD(AAD);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

export class PassphraseVault implements SecretStore {
  private readonly file: string;
  private key: Buffer | null = null;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'vault.json');
  }

  state(): VaultState {
    if (this.key) return 'unlocked';
    return existsSync(this.file) ? 'locked' : 'none';
  }

  /** Unlocked: secrets are sealed on disk. Locked or without a passphrase: they stay in memory. */
  isAvailable(): boolean {
    return this.key !== null;
  }

  encrypt(plain: string): Buffer {
    if (!this.key) throw new ServiceFailure('noKeystore', 'the RegDesk passphrase is not set or not entered yet');
    return seal(this.key, plain);
  }

  decrypt(sealed: Buffer): string {
    if (!this.key) throw new ServiceFailure('noKeystore', 'the RegDesk passphrase has not been entered yet');
    const plain = open(this.key, sealed);
    if (plain === null) throw new ServiceFailure('storage', 'a sealed secret could not be opened: it was altered, or sealed with another passphrase');
    return plain;
  }

  /** Set the passphrase of a folder that has none yet; unlocked afterwards. */
  async create(passphrase: string): Promise<void> {
    if (this.state() !== 'none') throw new ServiceFailure('invalidArgument', 'a RegDesk passphrase is already set');
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new ServiceFailure('invalidArgument', `the passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters`);
    }
    const salt = randomBytes(16);
    const key = await deriveKey(passphrase, salt, KDF);
    const file: VaultFile = { version: 1, kdf: { name: 'scrypt', ...KDF, salt: salt.toString('base64') }, check: seal(key, CHECK_TEXT).toString('base64') };
    writeFileAtomic(this.file, JSON.stringify(file, null, 2) + '\n');
    this.key = key;
  }

  /** Open the vault for this run. A wrong passphrase changes nothing on disk. */
  async unlock(passphrase: string): Promise<void> {
    if (this.key) return;
    const file = readJsonFile<VaultFile | null>(this.file, null);
    if (!file || file.version !== 1 || file.kdf?.name !== 'scrypt') throw new ServiceFailure('storage', `${this.file} is missing or not a RegDesk vault`);
    const { N, r, p } = file.kdf;
    const key = await deriveKey(passphrase, Buffer.from(file.kdf.salt, 'base64'), { N, r, p });
    const check = open(key, Buffer.from(file.check, 'base64'));
    // GCM's tag already proves the key; the text check guards against a foreign file.
    if (check !== CHECK_TEXT) {
      throw new ServiceFailure('wrongPassphrase', 'wrong RegDesk passphrase: nothing was changed, try again');
    }
    this.key = key;
  }
}
