// A PBX profile "Connect through SSH" in the services, as the app and browser mode use them,
// through a real sshd (127.0.0.1, free port, throwaway keys) to the Sandbox PBX's AMI: host
// key trust on first use through the IPC contract, each way to authenticate, secrets that
// never come back, errors the UI can word.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handleCall } from '../../../src-main/ipc/dispatch';
import type { PbxProfileInput, PbxSshProfile, PbxSummary, RegDeskServices, SecretStore } from '../../../src-main/services/api';
import { createServices } from '../../../src-main/services/create';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { canRunSshd, startAgent, startSshd, type TestSshd } from '../../support/sshd';

const memoryKeystore: SecretStore = {
  isAvailable: () => true,
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
  decrypt: (sealed) => Buffer.from(sealed).reverse().toString('utf8'),
};

/** This PBX's summary once `done` holds (listening first, so a change while listing is not missed). */
function summaryWhen(services: RegDeskServices, pbxId: string, done: (p: PbxSummary) => boolean, what: string): Promise<PbxSummary> {
  return new Promise((resolve, reject) => {
    const finish = (p: PbxSummary): void => {
      clearTimeout(timer);
      stop();
      resolve(p);
    };
    const timer = setTimeout(() => {
      stop();
      void services.listPbxs().then((all) => reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(all.find((p) => p.id === pbxId))}`)));
    }, 10_000);
    const stop = services.on('pbxChanged', (p) => {
      if (p.id === pbxId && done(p)) finish(p);
    });
    void services.listPbxs().then((all) => {
      const current = all.find((p) => p.id === pbxId);
      if (current && done(current)) finish(current);
    });
  });
}

const isLive = (p: PbxSummary): boolean => p.state === 'live';

describe.runIf(canRunSshd())('a PBX profile through SSH in the services', () => {
  let sshd: TestSshd;
  let sandbox: SandboxHost;
  let dir: string;
  let services: RegDeskServices | null = null;

  beforeAll(async () => {
    [sshd, sandbox] = await Promise.all([startSshd(), startSandboxHost()]);
    dir = mkdtempSync(join(tmpdir(), 'regdesk-services-ssh-'));
  });
  afterEach(async () => {
    await services?.close();
    services = null;
  });
  afterAll(async () => {
    await sandbox?.close();
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const profileWith = (ssh: Partial<PbxSshProfile>): PbxProfileInput => ({
    name: 'Office via SSH',
    host: '127.0.0.1',
    port: sandbox.login.port,
    username: sandbox.login.username,
    tls: false,
    ssh: { host: sshd.host, port: sshd.port, username: 'root', auth: 'key', keyFile: sshd.keys.ed25519.privateKeyFile, hostKeyFingerprint: null, ...ssh },
  });
  const start = (name: string, over: { knownHostsFile?: string; sshAgent?: string | null } = {}) =>
    createServices({ dataDir: join(dir, name), secrets: memoryKeystore, sandbox: false, knownHostsFile: join(dir, 'none'), sshAgent: null, ...over });

  it('offers the unknown host key, connects once it is pinned, and keeps the pin across restarts', async () => {
    services = await start('tofu');
    const added = await services.addPbx(profileWith({}), sandbox.login.secret);
    const unknown = await summaryWhen(services, added.id, (p) => p.error?.code === 'sshHostKeyUnknown', 'the sshHostKeyUnknown error');
    expect(unknown.state).toBe('failed');
    expect(unknown.error?.sshHostKey).toEqual({ fingerprint: sshd.hostKeyFingerprint, keyType: 'ssh-ed25519' });

    // The admin compares and trusts it: the renderer sends the offered fingerprint back.
    const pinned = await handleCall(services, 'updatePbx', [added.id, profileWith({ hostKeyFingerprint: unknown.error!.sshHostKey!.fingerprint }), null]);
    expect(pinned.ok).toBe(true);
    const live = await summaryWhen(services, added.id, isLive, 'the pinned PBX to go live');
    expect(live.ssh?.hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);
    expect((await services.listEndpoints(added.id)).map((r) => r.endpoint)).toContain('phone1');

    await services.close();
    services = await start('tofu');
    await summaryWhen(services, added.id, isLive, 'the pinned PBX to go live after a restart');
  });

  it('trusts a host key that the user\'s known_hosts lists, and refuses loudly one that differs from it', async () => {
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    services = await start('known', { knownHostsFile: knownHosts });
    const added = await services.addPbx(profileWith({}), sandbox.login.secret);
    await summaryWhen(services, added.id, isLive, 'the known host to go live');
    await services.close();

    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.keys.unauthorized.publicKey}\n`);
    services = await start('known', { knownHostsFile: knownHosts });
    const changed = await summaryWhen(services, added.id, (p) => p.error?.code === 'sshHostKeyChanged', 'the sshHostKeyChanged error');
    expect(changed.state).toBe('failed');
    expect(changed.error?.message).toContain('CHANGED');
    expect(changed.error?.sshHostKey?.fingerprint).toBe(sshd.hostKeyFingerprint);
  });

  it('logs in with a password and with an encrypted key\'s passphrase, which never come back', async () => {
    services = await start('secrets');
    const pin = { hostKeyFingerprint: sshd.hostKeyFingerprint };
    const byPassword = await services.addPbx(profileWith({ ...pin, auth: 'password', username: sshd.passwordUser, keyFile: null }), sandbox.login.secret, sshd.password);
    const byKey = await services.addPbx({ ...profileWith({ ...pin, keyFile: sshd.keys.ecdsaEncrypted.privateKeyFile }), name: 'Encrypted key' }, sandbox.login.secret, sshd.keyPassphrase);
    await summaryWhen(services, byPassword.id, isLive, 'the password profile to go live');
    await summaryWhen(services, byKey.id, isLive, 'the encrypted-key profile to go live');
    const listed = JSON.stringify(await handleCall(services, 'listPbxs', []));
    expect(listed).not.toContain(sshd.password);
    expect(listed).not.toContain(sshd.keyPassphrase);
    expect(listed).toContain(sshd.keys.ecdsaEncrypted.privateKeyFile); // the key is referenced by path
    const stored = readFileSync(join(dir, 'secrets', 'profiles.json'), 'utf8');
    expect(stored).not.toContain(sshd.password);
    expect(stored).not.toContain(readFileSync(sshd.keys.ecdsaEncrypted.privateKeyFile, 'utf8').split('\n')[1]!);

    // Switching the key profile to password auth drops the stored passphrase instead of sending it as a password.
    const toPassword = await handleCall(services, 'updatePbx', [byKey.id, profileWith({ ...pin, auth: 'password', username: sshd.passwordUser, keyFile: null }), null]);
    expect(toPassword).toMatchObject({ ok: false, error: { code: 'invalidArgument', message: expect.stringContaining('needs the password') } });
    await summaryWhen(services, byKey.id, isLive, 'the refused edit to leave the PBX as it was');
  });

  it('asks for the passphrase of an encrypted key given none, and logs in with the agent', async () => {
    const agent = startAgent(sshd.keys.rsa.privateKeyFile);
    try {
      services = await start('agent', { sshAgent: agent.socket });
      const pin = { hostKeyFingerprint: sshd.hostKeyFingerprint };
      const locked = await services.addPbx(profileWith({ ...pin, keyFile: sshd.keys.ecdsaEncrypted.privateKeyFile }), sandbox.login.secret);
      const viaAgent = await services.addPbx({ ...profileWith({ ...pin, auth: 'agent', keyFile: null }), name: 'Agent' }, sandbox.login.secret);
      const lockedSummary = await summaryWhen(services, locked.id, (p) => p.error?.code === 'sshKeyLocked', 'the sshKeyLocked error');
      expect(lockedSummary.state).toBe('failed');
      await summaryWhen(services, viaAgent.id, isLive, 'the agent profile to go live');
    } finally {
      agent.stop();
    }
  });

  it('refuses an SSH profile that is not one, at the IPC boundary or in the services', async () => {
    services = await start('invalid');
    const cases: Array<[string, unknown]> = [
      ['a CR LF in the SSH user', profileWith({ username: 'root\r\nX' })],
      ['an unknown auth kind', profileWith({ auth: 'kerberos' as 'key' })],
      ['key auth without a key file', profileWith({ keyFile: null })],
      ['a fingerprint that is not SHA256', profileWith({ hostKeyFingerprint: 'MD5:00:11' })],
      ['TLS and SSH at once', { ...profileWith({}), tls: true }],
    ];
    for (const [what, profile] of cases) {
      expect(await handleCall(services, 'addPbx', [profile, 'secret', null]), what).toMatchObject({ ok: false, error: { code: 'invalidArgument' } });
    }
    expect(await handleCall(services, 'addPbx', [profileWith({}), 'secret', 'pass\r\nAction: Logoff'])).toMatchObject({ ok: false, error: { code: 'invalidArgument' } });
    expect(await services.listPbxs()).toHaveLength(0);
  });
});
