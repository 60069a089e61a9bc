// Secrets (issue 5): after a session with a saved PBX profile through createServices (the
// profile added, connected and live, a settings change, the services closed and opened again
// from the same data folder, so the stored secret is read back and used), no file under the
// user data folder holds the AMI secret in plain text, in any of the encodings a careless write
// would leave (UTF-8, UTF-16, base64, hex, JSON-escaped). With an OS keystore (AES-GCM with a
// key held in memory stands in for Electron's safeStorage), without one (memory only), and with
// a RegDesk passphrase (the vault file included in the scan).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RegDeskServices, SecretStore } from '../../src-main/services/api';
import { createServices } from '../../src-main/services/create';
import { PassphraseVault } from '../../src-main/services/passphrase-vault';
import { canRunSshd, startSshd, type TestSshd } from '../support/sshd';
import { startRecordingAmi, type RecordingAmi } from './support/recording-ami';

function keystore(): SecretStore {
  const key = randomBytes(32);
  return {
    isAvailable: () => true,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

const NO_KEYSTORE: SecretStore = {
  isAvailable: () => false,
  encrypt: () => {
    throw new Error('no keystore');
  },
  decrypt: () => {
    throw new Error('no keystore');
  },
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The ways a secret can sit in a file "in plain text". */
function encodings(secret: string): Buffer[] {
  return [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le'), Buffer.from(Buffer.from(secret).toString('base64')), Buffer.from(Buffer.from(secret).toString('hex')), Buffer.from(JSON.stringify(secret))];
}

async function whenLive(services: RegDeskServices, count = 1): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await services.listPbxs()).filter((p) => p.kind === 'asterisk' && p.state === 'live').length < count) {
    if (Date.now() > deadline) throw new Error(`the saved PBX did not get live: ${JSON.stringify(await services.listPbxs())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the AMI secret of a saved PBX profile on disk', () => {
  let ami: RecordingAmi | null = null;
  let dataDir: string | null = null;
  afterEach(async () => {
    await ami?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  for (const [store, secrets, reopenConnects] of [['an OS keystore', keystore(), true], ['no keystore', NO_KEYSTORE, false]] as const) {
    it(`is in no file of the data folder after a session, with ${store}`, async () => {
      const secret = `Pbx-${randomBytes(12).toString('hex')}-秘密`;
      ami = await startRecordingAmi(secret);
      dataDir = mkdtempSync(join(tmpdir(), 'regdesk-secrets-'));
      const first = await createServices({ dataDir, secrets, sandbox: { demoPhones: false } });
      await first.addPbx({ name: 'Office', host: '127.0.0.1', port: ami.port, username: 'regdesk', tls: false }, secret);
      await whenLive(first);
      await first.setSettings({ language: 'ja', theme: 'dark', startAtLogin: false, showSandbox: true });
      await first.close();
      const second = await createServices({ dataDir, secrets, sandbox: { demoPhones: false } });
      if (reopenConnects) await whenLive(second);
      else expect((await second.listPbxs()).find((p) => p.kind === 'asterisk')?.state).toBe('disconnected');
      await second.close();

      // The secret was really used: it went to the PBX in the Login (twice with a keystore).
      const logins = ami.received().toString('utf8').split(`Secret: ${secret}\r\n`).length - 1;
      expect(logins).toBe(reopenConnects ? 2 : 1);
      expectNowhereUnder(dataDir, [secret]);
    });
  }
});

function expectNowhereUnder(dataDir: string, secrets: string[]): void {
  const files = filesUnder(dataDir);
  expect(files.map((f) => f.slice(dataDir.length + 1))).toEqual(expect.arrayContaining(['profiles.json']));
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const secret of secrets) {
      for (const encoded of encodings(secret)) expect(bytes.includes(encoded), `${file} holds a secret (${encoded.toString('latin1').slice(0, 20)}...)`).toBe(false);
    }
  }
}

// The same for "Connect through SSH": an SSH password and a key passphrase, really used against
// a real sshd (tests/support/sshd.ts) in front of the recording AMI.
describe.runIf(canRunSshd())('the SSH password and key passphrase of saved PBX profiles on disk', () => {
  let sshd: TestSshd;
  let ami: RecordingAmi | null = null;
  let dataDir: string | null = null;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  afterEach(async () => {
    await ami?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  for (const [store, secrets, reopenConnects] of [['an OS keystore', keystore(), true], ['no keystore', NO_KEYSTORE, false]] as const) {
    it(`are in no file of the data folder after a session, with ${store}`, async () => {
      const secret = `Pbx-${randomBytes(12).toString('hex')}`;
      ami = await startRecordingAmi(secret);
      dataDir = mkdtempSync(join(tmpdir(), 'regdesk-ssh-secrets-'));
      const ssh = { host: sshd.host, port: sshd.port, hostKeyFingerprint: sshd.hostKeyFingerprint };
      const amiProfile = { host: '127.0.0.1', port: ami.port, username: 'regdesk', tls: false };
      const open = () => createServices({ dataDir: dataDir!, secrets, sandbox: false, sshAgent: null, knownHostsFile: join(dataDir!, 'none') });
      const first = await open();
      await first.addPbx({ ...amiProfile, name: 'By password', ssh: { ...ssh, username: sshd.passwordUser, auth: 'password', keyFile: null } }, secret, sshd.password);
      await first.addPbx({ ...amiProfile, name: 'By key', ssh: { ...ssh, username: 'root', auth: 'key', keyFile: sshd.keys.ecdsaEncrypted.privateKeyFile } }, secret, sshd.keyPassphrase);
      await whenLive(first, 2);
      await first.close();
      const second = await open();
      if (reopenConnects) await whenLive(second, 2);
      else expect((await second.listPbxs()).map((p) => p.state)).toEqual(['disconnected', 'disconnected']);
      await second.close();

      // Both SSH logins really happened (AMI Logins came through them), twice with a keystore.
      const logins = ami.received().toString('utf8').split(`Secret: ${secret}\r\n`).length - 1;
      expect(logins).toBe(reopenConnects ? 4 : 2);
      expectNowhereUnder(dataDir, [secret, sshd.password, sshd.keyPassphrase]);
    });
  }

  it('is in no file of the data folder with a RegDesk passphrase, which a restart asks for once, and a wrong one changes nothing', async () => {
    const secret = `Pbx-${randomBytes(12).toString('hex')}-秘密`;
    const passphrase = `correct horse ${randomBytes(4).toString('hex')}`;
    ami = await startRecordingAmi(secret);
    dataDir = mkdtempSync(join(tmpdir(), 'regdesk-secrets-'));
    const first = await createServices({ dataDir, secrets: new PassphraseVault(dataDir), sandbox: false });
    expect(await first.secretsStatus()).toEqual({ store: 'memory', locked: false, passphraseAvailable: true });
    // Added before the passphrase: kept in memory, then sealed when the passphrase is set.
    await first.addPbx({ name: 'Office', host: '127.0.0.1', port: ami.port, username: 'regdesk', tls: false }, secret);
    await whenLive(first);
    expect(await first.setPassphrase(passphrase)).toEqual({ store: 'passphrase', locked: false, passphraseAvailable: true });
    await first.close();

    const second = await createServices({ dataDir, secrets: new PassphraseVault(dataDir), sandbox: false });
    expect(await second.secretsStatus()).toEqual({ store: 'passphrase', locked: true, passphraseAvailable: true });
    expect((await second.listPbxs())[0]!.state).toBe('disconnected');
    const before = filesUnder(dataDir).map((f) => [f, readFileSync(f).toString('base64')]);
    await expect(second.unlockSecrets('not the passphrase')).rejects.toMatchObject({ code: 'wrongPassphrase' });
    expect(filesUnder(dataDir).map((f) => [f, readFileSync(f).toString('base64')])).toEqual(before);
    expect(await second.unlockSecrets(passphrase)).toEqual({ store: 'passphrase', locked: false, passphraseAvailable: true });
    await whenLive(second);
    await second.close();

    expect(ami.received().toString('utf8').split(`Secret: ${secret}\r\n`).length - 1).toBe(2);
    const files = filesUnder(dataDir);
    expect(files.map((f) => f.slice(dataDir!.length + 1))).toEqual(expect.arrayContaining(['profiles.json', 'vault.json']));
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const encoded of [...encodings(secret), ...encodings(passphrase)]) expect(bytes.includes(encoded), `${file} holds a secret`).toBe(false);
    }
  });
});
