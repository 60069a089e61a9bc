// `regdesk ... --ssh` as an admin with only SSH access runs it: real processes through a real
// sshd (127.0.0.1, free port, throwaway keys) to the Sandbox PBX's AMI on 127.0.0.1, which sipp
// phones registered to.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointDetail } from '../../../src-main/core/types';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { registerPhone } from '../../support/sip-phone';
import { requireTool } from '../../support/require-tool';
import { runCli as cli } from '../../support/run-cli';
import { canRunSshd, startAgent, startSshd, type TestSshd } from '../../support/sshd';

describe.runIf(canRunSshd() && requireTool('sipp', 'sip-tester'))('regdesk CLI through SSH', () => {
  let sshd: TestSshd;
  let sandbox: SandboxHost;
  let dir: string;
  /** HOME with .ssh/known_hosts listing the test sshd, as after a first `ssh` to the PBX. */
  let home: string;
  let env: Record<string, string>;
  let target: string;
  let ami: string[];

  beforeAll(async () => {
    [sshd, sandbox] = await Promise.all([startSshd(), startSandboxHost()]);
    dir = mkdtempSync(join(tmpdir(), 'regdesk-cli-ssh-'));
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    target = `root@127.0.0.1:${sshd.port}`;
    ami = ['--host', '127.0.0.1', '--port', String(sandbox.login.port), '--user', sandbox.login.username];
    env = { HOME: home, SSH_AUTH_SOCK: '', REGDESK_AMI_SECRET: sandbox.login.secret, REGDESK_DATA_DIR: join(dir, 'data') };
    const phone = () => registerPhone({ server: sandbox.pbx.sipAddress, user: 'phone1', password: 'pw-phone1', expires: 3600 });
    expect((await phone()).status).toBe(200);
    expect((await phone()).status).toBe(200);
  });
  afterAll(async () => {
    await sandbox?.close();
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const statusOf = (stdout: string) => (JSON.parse(stdout) as { endpoints: EndpointDetail[] }).endpoints.find((d) => d.row.endpoint === 'phone1')!;

  it('refuses an unknown host key with exit 2, printing its fingerprint and the --ssh-fingerprint to pass', async () => {
    const run = await cli(['status', '--ssh', target, '--ssh-key', sshd.keys.ed25519.privateKeyFile, '--ssh-known-hosts', join(dir, 'empty'), ...ami], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`is not known: ssh-ed25519 ${sshd.hostKeyFingerprint}`);
    expect(run.stderr).toContain(`--ssh-fingerprint ${sshd.hostKeyFingerprint}\n`);
  });

  it('lists the endpoints through the pinned host key', async () => {
    const run = await cli(['status', '--json', '--ssh', target, '--ssh-key', sshd.keys.ed25519.privateKeyFile, '--ssh-known-hosts', join(dir, 'empty'), '--ssh-fingerprint', sshd.hostKeyFingerprint, ...ami], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(statusOf(run.stdout).row).toMatchObject({ contacts: 2, atLimit: true });
  });

  it('uses ~/.ssh/known_hosts and the ssh-agent of SSH_AUTH_SOCK with no other flag than --ssh', async () => {
    const agent = startAgent(sshd.keys.ed25519.privateKeyFile);
    try {
      const run = await cli(['status', '--ssh', target, ...ami], { ...env, SSH_AUTH_SOCK: agent.socket });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^phone1 {2}2\/2 {2}\[AT LIMIT\]/m);
    } finally {
      agent.stop();
    }
  });

  it('takes an encrypted key\'s passphrase from REGDESK_SSH_PASSPHRASE, and says so when it is missing', async () => {
    const args = ['dial', 'phone1', '--ssh', target, '--ssh-key', sshd.keys.ecdsaEncrypted.privateKeyFile, ...ami];
    const locked = await cli(args, env);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain('REGDESK_SSH_PASSPHRASE');
    const run = await cli(args, { ...env, REGDESK_SSH_PASSPHRASE: sshd.keyPassphrase });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('same targets');
  });

  it('logs in with REGDESK_SSH_PASSWORD, and exits 2 on a wrong one', async () => {
    const args = ['status', '--json', '--ssh', `${sshd.passwordUser}@127.0.0.1:${sshd.port}`, ...ami];
    const run = await cli(args, { ...env, REGDESK_SSH_PASSWORD: sshd.password });
    expect(run.code).toBe(0);
    expect(statusOf(run.stdout).row.contacts).toBe(2);
    const wrong = await cli(args, { ...env, REGDESK_SSH_PASSWORD: 'wrong' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('refused the login');
  });

  it('exits 2 on a host key other than the pinned one', async () => {
    const run = await cli(['status', '--ssh', target, '--ssh-key', sshd.keys.ed25519.privateKeyFile, '--ssh-fingerprint', `SHA256:${'B'.repeat(43)}`, ...ami], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('NOT the pinned one');
    expect(run.stderr).toContain('only if the host key was really changed');
  });

  it('removes a stuck contact and restores it through SSH', async () => {
    const ssh = ['--ssh', target, '--ssh-key', sshd.keys.ed25519.privateKeyFile, ...ami];
    const before = statusOf((await cli(['status', '--json', ...ssh], env)).stdout);
    const id = before.aors[0]!.contacts[0]!.id;
    const removed = await cli(['remove', id, '--json', ...ssh], env);
    expect(removed.code).toBe(0);
    const { auditId } = JSON.parse(removed.stdout) as { auditId: string };
    expect(sandbox.pbx.astdb.get('registrar/contact', id)).toBeUndefined();
    const restored = await cli(['restore', auditId, ...ssh], env);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toBe(`restored ${id}\n`);
    expect(sandbox.pbx.astdb.get('registrar/contact', id)).toBeDefined();
  });

  it('watches registrations live through SSH', async () => {
    let out = '';
    let live!: () => void;
    const watching = new Promise<void>((resolve) => (live = resolve));
    const run = cli(['watch', '--for', '5', '--ssh', target, '--ssh-key', sshd.keys.ed25519.privateKeyFile, ...ami], env, (chunk) => {
      out += chunk;
      if (out.includes('-- watching')) live();
    });
    await Promise.race([watching, run]);
    expect((await registerPhone({ server: sandbox.pbx.sipAddress, user: 'phone2', password: 'pw-phone2', expires: 3600 })).status).toBe(200);
    const watched = await run;
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(new RegExp(`-- watching 127\\.0\\.0\\.1:${sandbox.login.port} via ssh root@127\\.0\\.0\\.1:${sshd.port}`));
    expect(watched.stdout).toMatch(/phone2 +registered/);
  });

  it('refuses --ssh with --tls, and a malformed --ssh or --ssh-fingerprint, as usage errors (exit 1)', async () => {
    for (const args of [['--ssh', target, '--tls'], ['--ssh', 'root@'], ['--ssh', target, '--ssh-fingerprint', 'MD5:ab'], ['--ssh-key', 'k']]) {
      const run = await cli(['status', ...args, ...ami], env);
      expect(run.code, args.join(' ')).toBe(1);
    }
  });
});
