// AMI through SSH: a real OpenSSH server (Debian's sshd, on 127.0.0.1 at a free port, throwaway
// keys and config) forwarding to the Sandbox PBX's AMI on 127.0.0.1, as an admin reaches a
// FreePBX whose AMI listens to its own loopback only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeBatch, SessionStatus } from '../../../src-main/ami/session';
import { AmiError, AmiSshHostKeyError } from '../../../src-main/ami/errors';
import { removeContact, restoreContact } from '../../../src-main/ami/removal';
import { PbxSession, type PbxSessionOptions } from '../../../src-main/ami/session';
import type { AmiSshOptions } from '../../../src-main/ami/ssh-tunnel';
import { AuditLog } from '../../../src-main/services/audit-log';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { registerPhone } from '../../support/sip-phone';
import { requireTool } from '../../support/require-tool';
import { canRunSshd, freePort, sshOptionsFor, startAgent, startSshd, type TestSshd } from '../../support/sshd';

const DEADLINES = { connectTimeoutMs: 4_000, loginTimeoutMs: 4_000, actionTimeoutMs: 5_000 };

describe.runIf(canRunSshd() && requireTool('sipp', 'sip-tester'))('AMI through SSH (real sshd)', () => {
  let sshd: TestSshd;
  let sandbox: SandboxHost;
  let dir: string;

  beforeAll(async () => {
    [sshd, sandbox] = await Promise.all([startSshd(), startSandboxHost()]);
    dir = mkdtempSync(join(tmpdir(), 'regdesk-ssh-'));
    const registered = await registerPhone({ server: sandbox.pbx.sipAddress, user: 'phone3', password: 'pw-phone3', expires: 3600 });
    expect(registered.status).toBe(200);
  });
  afterAll(async () => {
    await sandbox?.close();
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const through = (over: Partial<AmiSshOptions>, session: Partial<PbxSessionOptions> = {}): PbxSessionOptions => ({
    ...sandbox.login,
    ...DEADLINES,
    ssh: sshOptionsFor(sshd, over),
    ...session,
  });

  async function liveThrough(over: Partial<AmiSshOptions>): Promise<string[]> {
    const session = PbxSession.start(through(over, { retry: false }));
    try {
      await session.whenLive(8_000);
      return session.state()!.endpoints().map((e) => e.name);
    } finally {
      await session.close();
    }
  }

  /** The error a session stops with; it must stop, not retry (retry is on). */
  async function failure(over: Partial<AmiSshOptions>, session: Partial<PbxSessionOptions> = {}): Promise<AmiError> {
    const s = PbxSession.start(through(over, session));
    try {
      const error = await s.whenLive(8_000).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AmiError);
      expect(s.status().state).toBe('failed');
      return error as AmiError;
    } finally {
      await s.close();
    }
  }

  it('goes live with a key file (ed25519 and RSA), known by [127.0.0.1]:port in known_hosts', async () => {
    expect(await liveThrough({})).toEqual(expect.arrayContaining(['phone1', 'phone3', 'wiz1']));
    expect(await liveThrough({ privateKeyFile: sshd.keys.rsa.privateKeyFile })).toContain('phone1');
  });

  it('goes live with the key held by a real ssh-agent and no key file', async () => {
    const agent = startAgent(sshd.keys.ed25519.privateKeyFile);
    try {
      expect(await liveThrough({ agent: agent.socket, privateKeyFile: null })).toContain('phone1');
    } finally {
      agent.stop();
    }
  });

  it('asks for the passphrase of an encrypted key, refuses a wrong one, and goes live with the right one', async () => {
    const encrypted = sshd.keys.ecdsaEncrypted.privateKeyFile;
    const missing = await failure({ privateKeyFile: encrypted });
    expect(missing.code).toBe('sshKeyLocked');
    expect(missing.message).toContain('give its passphrase');
    const wrong = await failure({ privateKeyFile: encrypted, passphrase: 'not-it' });
    expect(wrong.code).toBe('sshKeyLocked');
    expect(wrong.message).toContain('wrong');
    expect(await liveThrough({ privateKeyFile: encrypted, passphrase: sshd.keyPassphrase })).toContain('phone1');
  });

  it('goes live with a password', async () => {
    expect(await liveThrough({ username: sshd.passwordUser, privateKeyFile: null, password: sshd.password })).toContain('phone1');
  });

  it('stops on a key the server does not accept, without a reconnect loop', async () => {
    const attemptsBefore = sshd.log().split('Connection from 127.0.0.1').length;
    const error = await failure({ privateKeyFile: sshd.keys.unauthorized.privateKeyFile });
    expect(error.code).toBe('sshAuthFailed');
    expect(error.message).toContain('refused the login as "root"');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the first backoff delay
    expect(sshd.log().split('Connection from 127.0.0.1').length - attemptsBefore).toBe(1);
  });

  it('stops on a wrong password', async () => {
    const error = await failure({ username: sshd.passwordUser, privateKeyFile: null, password: 'wrong' });
    expect(error.code).toBe('sshAuthFailed');
  });

  it('refuses an unknown host key before any authentication, with the fingerprint ssh-keygen -lf prints', async () => {
    const logBefore = sshd.log().length;
    const error = await failure({ knownHostsFile: join(dir, 'no-such-known_hosts') });
    expect(error).toBeInstanceOf(AmiSshHostKeyError);
    expect(error.code).toBe('sshHostKeyUnknown');
    expect((error as AmiSshHostKeyError).fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(error.message).toContain(sshd.hostKeyFingerprint);
    // sshd saw a connection that closed before it named a user, let alone tried a key or password.
    const clientPort = /Connection from 127\.0\.0\.1 port (\d+)/.exec(sshd.log().slice(logBefore))?.[1];
    expect(clientPort).toBeDefined();
    // Disconnect reason 3: SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE, sent by RegDesk before userauth.
    const closedLine = new RegExp(`Received disconnect from 127\\.0\\.0\\.1 port ${clientPort}:3: .*\\[preauth\\]`);
    await until(() => closedLine.test(sshd.log()), 3_000);
    const ofThatConnection = sshd.log().split('\n').filter((l) => l.includes(`port ${clientPort} `));
    expect(ofThatConnection.join('\n')).not.toMatch(/Accepted|Failed|Postponed|Invalid user|authenticating user|user root/);
    // Pinning that fingerprint is what trusts it.
    expect(await liveThrough({ knownHostsFile: null, pinnedFingerprint: (error as AmiSshHostKeyError).fingerprint })).toContain('phone1');
  });

  it('refuses a host key that differs from the pinned one, and from the one known_hosts lists', async () => {
    const otherFingerprint = 'SHA256:' + 'A'.repeat(43);
    const pinned = await failure({ knownHostsFile: null, pinnedFingerprint: otherFingerprint });
    expect(pinned.code).toBe('sshHostKeyChanged');
    expect(pinned.message).toContain('NOT the pinned one');
    const knownHosts = join(dir, 'changed_known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.keys.unauthorized.publicKey.split(' ').slice(0, 2).join(' ')}\n`);
    const listed = await failure({ knownHostsFile: knownHosts });
    expect(listed.code).toBe('sshHostKeyChanged');
    expect(listed.message).toContain(`${knownHosts}:1`);
    expect((listed as AmiSshHostKeyError).fingerprint).toBe(sshd.hostKeyFingerprint);
  });

  it('says so when the SSH server forbids forwarding (AllowTcpForwarding no)', async () => {
    const strict = await startSshd({ allowTcpForwarding: false });
    try {
      const error = await failure({ port: strict.port, knownHostsFile: strict.knownHostsFile, privateKeyFile: strict.keys.ed25519.privateKeyFile });
      expect(error.code).toBe('sshForwardingRefused');
      expect(error.message).toContain('AllowTcpForwarding');
    } finally {
      await strict.stop();
    }
  });

  it('says that nothing listens on the AMI port behind the SSH server, and keeps retrying (Asterisk may be restarting)', async () => {
    const closedPort = await freePort();
    const session = PbxSession.start(through({}, { port: closedPort, backoff: { initialMs: 50, maxMs: 100 } }));
    try {
      const seen = await new Promise<SessionStatus>((resolve) => {
        const check = (s: SessionStatus): void => void (s.error?.code === 'sshAmiRefused' && resolve(s));
        session.onStatus(check);
      });
      expect(seen.state).toBe('connecting');
      expect(seen.error!.message).toContain(`127.0.0.1:${closedPort} as seen from the SSH server`);
    } finally {
      await session.close();
    }
  });

  it('says the SSH host is unreachable when nothing listens on the SSH port', async () => {
    const session = PbxSession.start(through({ port: await freePort() }, { retry: false }));
    try {
      const error = await session.whenLive(5_000).catch((e: unknown) => e as AmiError);
      expect(error).toMatchObject({ code: 'sshUnreachable' });
      expect((error as AmiError).message).toContain('ECONNREFUSED');
    } finally {
      await session.close();
    }
  });

  it('goes stale when sshd dies mid-session, and recovers with a full resync once it is back', async () => {
    const session = PbxSession.start(through({}, { backoff: { initialMs: 100, maxMs: 300 } }));
    const batches: ChangeBatch[] = [];
    session.onChange((_changes, batch) => batches.push(batch));
    try {
      await session.whenLive(8_000);
      const stale = waitForState(session, 'stale', 5_000);
      sshd.kill();
      await stale;
      expect(session.state()!.endpoints().map((e) => e.name)).toContain('phone1'); // still shown
      expect(session.state()!.contactsOfAor('phone2')).toHaveLength(0);
      // A phone registers while RegDesk cannot see: only the resync can tell it.
      expect((await registerPhone({ server: sandbox.pbx.sipAddress, user: 'phone2', password: 'pw-phone2', expires: 3600 })).status).toBe(200);
      await sshd.restart();
      await waitForState(session, 'live', 10_000);
      expect(batches.filter((b) => b.resync)).toHaveLength(2);
      expect(session.state()!.contactsOfAor('phone2')).toHaveLength(1);
      expect(session.state()!.contactsOfAor('phone3')).toHaveLength(1);
    } finally {
      await session.close();
    }
  });

  it('notices a link gone silent by its SSH keepalives, and recovers when it speaks again', async () => {
    const session = PbxSession.start(through({ keepaliveIntervalMs: 300, keepaliveCountMax: 2 }, { backoff: { initialMs: 100, maxMs: 300 } }));
    try {
      await session.whenLive(8_000);
      const stale = waitForState(session, 'stale', 5_000);
      sshd.freezeSessions(true);
      try {
        const status = await stale;
        expect(status.error!.message).toMatch(/SSH connection to 127\.0\.0\.1:\d+ lost: Keepalive timeout/);
      } finally {
        sshd.freezeSessions(false);
      }
      await waitForState(session, 'live', 10_000);
    } finally {
      await session.close();
    }
  });

  it('removes a contact and undoes the removal through SSH', async () => {
    const session = PbxSession.start(through({}, { retry: false }));
    const audit = await AuditLog.open(join(dir, 'audit.jsonl'));
    try {
      await session.whenLive(8_000);
      const [contact] = session.state()!.contactsOfAor('phone3');
      expect(contact).toBeDefined();
      const removal = await removeContact(session, contact!.id, contact!.uri, audit, { pbx: 'ssh' });
      expect(session.state()!.contact(contact!.id)).toBeUndefined();
      expect(sandbox.pbx.astdb.get('registrar/contact', contact!.id)).toBeUndefined();
      await restoreContact(session, removal.auditId, audit, { pbx: 'ssh' });
      expect(session.state()!.contact(contact!.id)).toMatchObject({ uri: contact!.uri });
    } finally {
      await session.close();
    }
  });
});

function waitForState(session: PbxSession, state: SessionStatus['state'], timeoutMs: number): Promise<SessionStatus> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`session not ${state} within ${timeoutMs} ms (${session.status().state}: ${session.status().error?.message})`)), timeoutMs);
    const unsubscribe = session.onStatus((s) => {
      if (s.state !== state) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(s);
    });
  });
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
