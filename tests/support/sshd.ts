// A real OpenSSH server for the tests: Debian's /usr/sbin/sshd on 127.0.0.1 at a free port, with
// a throwaway host key, user keys and sshd_config in a temp folder (`sshd -D -e -f ...`). It runs
// as root (tests and CI do) and logs in root with the test's own authorized_keys file, so nothing
// of the system's SSH setup is read or changed. Password authentication needs an account with
// a password: each server gets its own throwaway system user (nologin shell, a random password,
// an account that expires tomorrow should stop() never run), deleted on stop(). One per server,
// because test files run in parallel: a shared account's password would change under them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AmiSshOptions } from '../../src-main/ami/ssh-tunnel';
import { hasCommand } from './require-tool';

export const SSHD = '/usr/sbin/sshd';

/** sshd can serve other accounts than its own only as root; the suites need that. */
export function canRunSshd(): boolean {
  const present = existsSync(SSHD) && hasCommand('ssh-keygen') && hasCommand('ssh-agent');
  const root = process.getuid?.() === 0;
  if (present && root) return true;
  const why = present ? 'the tests are not running as root (sshd must log in other accounts)' : `${SSHD}, ssh-keygen or ssh-agent not found (Debian packages openssh-server, openssh-client)`;
  if (process.env.CI === 'true') throw new Error(`${why}: the SSH tests cannot run, and CI=true requires them`);
  console.warn(`${why}: the SSH tests are SKIPPED`);
  return false;
}

export interface KeyPair {
  privateKeyFile: string;
  publicKey: string;
}

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  dir: string;
  /** `SHA256:...`, as `ssh-keygen -lf` prints it for the host key. */
  hostKeyFingerprint: string;
  /** A known_hosts file listing this server's host key under `[127.0.0.1]:port`. */
  knownHostsFile: string;
  /** The host key line (`ssh-ed25519 AAAA...`). */
  hostPublicKey: string;
  /** Authorized for root: unencrypted ed25519, encrypted ECDSA (passphrase below), RSA. */
  keys: { ed25519: KeyPair; ecdsaEncrypted: KeyPair; rsa: KeyPair; unauthorized: KeyPair };
  keyPassphrase: string;
  /** The throwaway account that logs in with `password` (nologin shell). */
  passwordUser: string;
  password: string;
  /** What sshd logged so far (LogLevel VERBOSE, every connection and authentication). */
  log(): string;
  /** Stop, then start again on the same port with the same keys and config. */
  restart(): Promise<void>;
  /** Kill sshd and every session it forked (the link drops as if the server died). */
  kill(): void;
  /** Freeze (true) or thaw (false) the per-connection sshd processes: a link that goes silent. */
  freezeSessions(frozen: boolean): void;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** `AllowTcpForwarding` (default yes). */
  allowTcpForwarding?: boolean;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export function makeKey(dir: string, name: string, type: 'ed25519' | 'ecdsa' | 'rsa', passphrase = ''): KeyPair {
  const file = join(dir, name);
  run('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', passphrase, '-C', name, '-f', file]);
  return { privateKeyFile: file, publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
}

/** `ssh-keygen -lf FILE`'s fingerprint field. */
export function keygenFingerprint(publicKeyFile: string): string {
  return run('ssh-keygen', ['-lf', publicKeyFile]).split(' ')[1]!;
}

function createPasswordUser(name: string, password: string): void {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  run('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--expiredate', tomorrow, name]);
  run('chpasswd', [], `${name}:${password}\n`);
}

function deleteUser(name: string): void {
  spawnSync('userdel', [name], { stdio: 'ignore', timeout: 20_000 });
}

/** Pids of the processes `parent` forked (sshd's per-connection children and theirs). */
function descendants(parent: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(parent);
  return out;
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation directory
  const dir = mkdtempSync(join(tmpdir(), 'regdesk-sshd-'));
  const hostKey = makeKey(dir, 'ssh_host_ed25519_key', 'ed25519');
  const keyPassphrase = `pass-${randomBytes(6).toString('hex')}`;
  const keys = {
    ed25519: makeKey(dir, 'id_ed25519', 'ed25519'),
    ecdsaEncrypted: makeKey(dir, 'id_ecdsa_encrypted', 'ecdsa', keyPassphrase),
    rsa: makeKey(dir, 'id_rsa', 'rsa'),
    unauthorized: makeKey(dir, 'id_unauthorized', 'ed25519'),
  };
  writeFileSync(join(dir, 'authorized_keys'), [keys.ed25519, keys.ecdsaEncrypted, keys.rsa].map((k) => k.publicKey).join('\n') + '\n', { mode: 0o600 });
  const password = randomBytes(12).toString('base64url');
  const passwordUser = `rd-sshtest-${randomBytes(4).toString('hex')}`;
  createPasswordUser(passwordUser, password);
  process.once('exit', () => deleteUser(passwordUser));
  const port = await freePort();
  const config = [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${hostKey.privateKeyFile}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `AllowUsers root ${passwordUser}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'UseDNS no',
    'StrictModes no',
    `AllowTcpForwarding ${options.allowTcpForwarding === false ? 'no' : 'yes'}`,
    'PermitTTY no',
    'X11Forwarding no',
    'LogLevel VERBOSE',
  ];
  const configFile = join(dir, 'sshd_config');
  writeFileSync(configFile, config.join('\n') + '\n');
  let child: ChildProcess | null = null;
  let log = '';

  const launch = async (): Promise<void> => {
    const started = spawn(SSHD, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    started.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s:\n${log}`)), 10_000);
      const check = setInterval(() => {
        if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) done(null);
      }, 20);
      const done = (error: Error | null): void => {
        clearTimeout(timer);
        clearInterval(check);
        if (error) reject(error);
        else resolve();
      };
      started.once('exit', (code) => done(new Error(`sshd exited (${code}) before listening:\n${log}`)));
    });
  };

  const kill = (): void => {
    const pid = child?.pid;
    if (pid === undefined) return;
    for (const p of [pid, ...descendants(pid)]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  const stopChild = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    kill();
    await exited;
  };

  await launch();
  const hostPublicKey = hostKey.publicKey.split(' ').slice(0, 2).join(' ');
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
  return {
    host: '127.0.0.1',
    port,
    dir,
    hostKeyFingerprint: keygenFingerprint(`${hostKey.privateKeyFile}.pub`),
    knownHostsFile,
    hostPublicKey,
    keys,
    keyPassphrase,
    passwordUser,
    password,
    log: () => log,
    kill,
    freezeSessions(frozen: boolean) {
      const pid = child?.pid;
      if (pid === undefined) return;
      for (const p of descendants(pid)) process.kill(p, frozen ? 'SIGSTOP' : 'SIGCONT');
    },
    async restart() {
      await stopChild();
      await launch();
    },
    async stop() {
      await stopChild();
      deleteUser(passwordUser);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A real ssh-agent holding `keyFile`; its socket is the SSH_AUTH_SOCK to use. */
export function startAgent(keyFile: string): { socket: string; stop(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'regdesk-agent-'));
  const socket = join(dir, 'agent.sock');
  const out = run('ssh-agent', ['-s', '-a', socket]);
  const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(out)?.[1]);
  const r = spawnSync('ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ssh-add failed: ${r.stderr}`);
  return {
    socket,
    stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** RegDesk's SSH options for this server: root with the ed25519 key file, known by its known_hosts. */
export function sshOptionsFor(sshd: TestSshd, over: Partial<AmiSshOptions> = {}): AmiSshOptions {
  return {
    host: sshd.host,
    port: sshd.port,
    username: 'root',
    agent: null,
    privateKeyFile: sshd.keys.ed25519.privateKeyFile,
    passphrase: null,
    password: null,
    knownHostsFile: sshd.knownHostsFile,
    pinnedFingerprint: null,
    ...over,
  };
}
