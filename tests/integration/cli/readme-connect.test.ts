// README "Connect to your PBX", run as written: the AMI user of its manager.conf block loaded
// into the Sandbox PBX (which enforces read/write classes and permit/deny as Asterisk does), the
// README's CLI line through a real sshd (127.0.0.1, free port), and the fingerprint that
// `ssh-keygen -lf` prints on the PBX being the one RegDesk asks to trust.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PbxSession } from '../../../src-main/ami/session';
import { BUNDLED_SANDBOX_CONFIG } from '../../../src-main/sandbox/host';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { runCli as cli } from '../../support/run-cli';
import { canRunSshd, keygenFingerprint, sshOptionsFor, startAgent, startSshd, type TestSshd } from '../../support/sshd';

const README = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');

/** The first fenced block after `marker` in the README section "Connect to your PBX", unindented. */
function readmeBlock(marker: string): string {
  const section = README.slice(README.indexOf('## Connect to your PBX'), README.indexOf('## Command line'));
  const after = section.slice(section.indexOf(marker));
  const block = /```\w*\n([\s\S]*?)\n\s*```/.exec(after)?.[1];
  if (!block) throw new Error(`no code block after ${JSON.stringify(marker)} in README "Connect to your PBX"`);
  return block.replace(/^ {2}/gm, '');
}

describe.runIf(canRunSshd())('README "Connect to your PBX"', () => {
  let sshd: TestSshd;
  let sandbox: SandboxHost;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regdesk-readme-'));
    const config = join(dir, 'asterisk');
    mkdirSync(config);
    for (const file of ['pjsip.conf', 'pjsip_wizard.conf']) copyFileSync(join(BUNDLED_SANDBOX_CONFIG, file), join(config, file));
    writeFileSync(join(config, 'manager.conf'), `[general]\nenabled = yes\nbindaddr = 127.0.0.1\n\n${readmeBlock('- Plain Asterisk:')}\n`);
    [sshd, sandbox] = await Promise.all([startSshd(), startSandboxHost({ configDir: config })]);
  });
  afterAll(async () => {
    await sandbox?.close();
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives an AMI user that logs in from the SSH server and reads security events', async () => {
    expect(sandbox.login).toMatchObject({ username: 'regdesk', secret: 'change-me' });
    const session = PbxSession.start({
      ...sandbox.login,
      retry: false,
      ssh: sshOptionsFor(sshd),
    });
    try {
      await session.whenLive(8_000);
      const deadline = Date.now() + 5_000;
      while (session.status().readsSecurityEvents !== true && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(session.status().readsSecurityEvents).toBe(true);
      expect(await session.dialString('phone1')).toBe(''); // Getvar: write = reporting
    } finally {
      await session.close();
    }
  });

  it("runs the README's CLI line, and asks to trust exactly the fingerprint ssh-keygen -lf prints on the PBX", async () => {
    const line = readmeBlock('**4. Or from a terminal**').split('\n').find((l) => l.startsWith('npm run cli -- '))!;
    const readmeArgs = line.replace('npm run cli -- ', '').split(/\s+/);
    expect(readmeArgs).toEqual(['status', '--ssh', 'admin@pbx.example.org', '--user', 'regdesk']);
    // The same line for this PBX: its SSH address, and the sandbox's AMI port instead of 5038.
    const args = readmeArgs.map((a) => (a === 'admin@pbx.example.org' ? `root@127.0.0.1:${sshd.port}` : a)).concat(['--port', String(sandbox.login.port)]);
    const home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const agent = startAgent(sshd.keys.ed25519.privateKeyFile);
    try {
      const env = { HOME: home, SSH_AUTH_SOCK: agent.socket, REGDESK_AMI_SECRET: 'change-me', REGDESK_DATA_DIR: join(dir, 'data') };
      const unknown = await cli(args, env);
      expect(unknown.code).toBe(2);
      const onThePbx = keygenFingerprint(join(sshd.dir, 'ssh_host_ed25519_key.pub'));
      expect(unknown.stderr).toContain(`--ssh-fingerprint ${onThePbx}`);
      const trusted = await cli([...args, '--ssh-fingerprint', onThePbx], env);
      expect(trusted.stderr).toBe('');
      expect(trusted.code).toBe(0);
      expect(trusted.stdout).toMatch(/^phone1 /m);
    } finally {
      agent.stop();
    }
  });
});
