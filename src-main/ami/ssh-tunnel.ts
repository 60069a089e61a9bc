// AMI through SSH: one SSH connection (ssh2, pure JavaScript, so nothing native to build for
// Electron) and one direct-tcpip channel to the AMI host:port as the SSH server sees it
// (usually its own 127.0.0.1:5038, where FreePBX lets AMI users in). The host key is judged
// in hostVerifier, which ssh2 calls after the key exchange and before any authentication is
// sent. SSH keepalives detect a dead link; the channel then closes like a dropped TCP socket
// and the session's reconnect and resync cover it.
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import ssh2, { type ClientChannel, type ConnectConfig } from 'ssh2';
import { AmiError, type AmiSshHostKeyError } from './errors';
import { knownKeyTypes, parseKnownHosts, type KnownHostKey } from './known-hosts';
import { preferredHostKeyAlgorithms, refuseHostKey } from './ssh-host-key';

export interface AmiSshOptions {
  host: string;
  port: number;
  username: string;
  /** The SSH agent: its socket (SSH_AUTH_SOCK) or 'pageant' on Windows; null: no agent. */
  agent: string | null;
  /** An OpenSSH private key file (ed25519, ECDSA, RSA), read at each connect, never copied. */
  privateKeyFile: string | null;
  passphrase: string | null;
  password: string | null;
  /** The user's known_hosts (usually ~/.ssh/known_hosts); null or a missing file: none. */
  knownHostsFile: string | null;
  /** `SHA256:...` of the host key the admin trusted; null: known_hosts alone decides. */
  pinnedFingerprint: string | null;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

/** A keepalive every 10 s, 3 unanswered: a dead link is noticed within about 30 s. */
export const DEFAULT_SSH_KEEPALIVE = { keepaliveIntervalMs: 10_000, keepaliveCountMax: 3 } as const;

/** The agent RegDesk uses when a profile or the CLI asks for "the SSH agent". */
export function defaultSshAgent(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  if (env.SSH_AUTH_SOCK) return env.SSH_AUTH_SOCK;
  return platform === 'win32' ? 'pageant' : null;
}

function readKnownHosts(file: string | null): KnownHostKey[] {
  if (file === null) return [];
  try {
    return parseKnownHosts(readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new AmiError('sshKeyUnusable', `cannot read the known_hosts file ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** The private key's bytes, checked here so a locked key says so instead of "auth failed". */
function readPrivateKey(ssh: AmiSshOptions): Buffer | undefined {
  if (ssh.privateKeyFile === null) return undefined;
  let data: Buffer;
  try {
    data = readFileSync(ssh.privateKeyFile);
  } catch (e) {
    throw new AmiError('sshKeyUnusable', `cannot read the SSH private key ${ssh.privateKeyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  const parsed = utils.parseKey(data, ssh.passphrase ?? undefined);
  if (!(parsed instanceof Error)) return data;
  if (/no passphrase given/.test(parsed.message)) {
    throw new AmiError('sshKeyLocked', `the SSH private key ${ssh.privateKeyFile} is protected by a passphrase; give its passphrase`);
  }
  if (/bad passphrase|decrypt/i.test(parsed.message)) {
    throw new AmiError('sshKeyLocked', `the passphrase of the SSH private key ${ssh.privateKeyFile} is wrong`);
  }
  throw new AmiError('sshKeyUnusable', `${ssh.privateKeyFile} is not an SSH private key RegDesk can use (OpenSSH format: ed25519, ECDSA or RSA): ${parsed.message}`);
}

function credentialsTried(ssh: AmiSshOptions): string {
  const tried = [ssh.agent !== null ? 'the SSH agent\'s keys' : null, ssh.privateKeyFile !== null ? `the key ${ssh.privateKeyFile}` : null, ssh.password !== null ? 'the password' : null];
  return tried.filter(Boolean).join(', ') || 'no credential at all (no SSH agent running: SSH_AUTH_SOCK is not set; no key file, no password)';
}

const { Client, utils } = ssh2;
type SshClient = InstanceType<typeof Client>;

const OPEN_ADMINISTRATIVELY_PROHIBITED = 1;
const OPEN_CONNECT_FAILED = 2;

/**
 * Connect to the SSH server, verify its host key, authenticate, and open the channel to
 * amiHost:amiPort on its side. The returned stream carries the AMI bytes; destroying it, or
 * the SSH connection ending, ends both. Rejects with a typed AmiError.
 */
export async function openSshChannel(ssh: AmiSshOptions, amiHost: string, amiPort: number, timeoutMs: number): Promise<Duplex> {
  const where = `${ssh.host}:${ssh.port}`;
  const knownHosts = readKnownHosts(ssh.knownHostsFile);
  const privateKey = readPrivateKey(ssh);
  const client = new Client();
  let hostKeyRefusal: AmiSshHostKeyError | null = null;
  let agentProblem = '';
  const config: ConnectConfig = {
    host: ssh.host,
    port: ssh.port,
    username: ssh.username,
    readyTimeout: timeoutMs,
    keepaliveInterval: ssh.keepaliveIntervalMs ?? DEFAULT_SSH_KEEPALIVE.keepaliveIntervalMs,
    keepaliveCountMax: ssh.keepaliveCountMax ?? DEFAULT_SSH_KEEPALIVE.keepaliveCountMax,
    algorithms: { serverHostKey: preferredHostKeyAlgorithms(knownKeyTypes(knownHosts, ssh.host, ssh.port)) },
    hostVerifier: (key, verify) => {
      hostKeyRefusal = refuseHostKey(ssh.host, ssh.port, key, { pinnedFingerprint: ssh.pinnedFingerprint, knownHosts, knownHostsFile: ssh.knownHostsFile });
      verify(hostKeyRefusal === null);
    },
    ...(ssh.agent !== null ? { agent: ssh.agent } : {}),
    ...(privateKey ? { privateKey, ...(ssh.passphrase !== null ? { passphrase: ssh.passphrase } : {}) } : {}),
    ...(ssh.password !== null ? { password: ssh.password } : {}),
  };
  return new Promise<Duplex>((resolve, reject) => {
    let settled = false;
    const fail = (error: AmiError): void => {
      if (settled) return;
      settled = true;
      client.destroy();
      reject(error);
    };
    client.on('error', (e: Error & { level?: string; code?: string }) => {
      if (settled) return;
      if (hostKeyRefusal) return fail(hostKeyRefusal);
      switch (e.level) {
        case 'agent':
          agentProblem = ` (the SSH agent ${ssh.agent}: ${e.message})`;
          return; // ssh2 goes on with the next credential
        case 'client-socket':
          return fail(new AmiError('sshUnreachable', `cannot reach the SSH server ${where}: ${e.code ?? e.message}`, { cause: e }));
        case 'client-timeout':
          return fail(new AmiError('timeout', `no SSH session with ${where} within ${timeoutMs} ms`, { cause: e }));
        case 'client-authentication':
          return fail(new AmiError('sshAuthFailed', `the SSH server ${where} refused the login as ${JSON.stringify(ssh.username)} with ${credentialsTried(ssh)}${agentProblem}`, { cause: e }));
        default:
          return fail(new AmiError('protocol', `SSH with ${where} failed: ${e.message}`, { cause: e }));
      }
    });
    client.once('close', () => fail(new AmiError('sshUnreachable', `the SSH server ${where} closed the connection before the AMI channel was open`)));
    client.once('ready', () => {
      client.forwardOut('127.0.0.1', 0, amiHost, amiPort, (err, channel) => {
        if (err) return fail(forwardError(where, amiHost, amiPort, err));
        if (settled) return void channel.destroy();
        settled = true;
        resolve(tieToClient(channel, client, where));
      });
    });
    client.connect(config);
  });
}

function forwardError(where: string, amiHost: string, amiPort: number, err: Error & { reason?: number }): AmiError {
  if (err.reason === OPEN_ADMINISTRATIVELY_PROHIBITED) {
    return new AmiError('sshForwardingRefused', `the SSH server ${where} refused to forward to ${amiHost}:${amiPort} (${err.message}); allow it in its sshd_config: AllowTcpForwarding yes (or local)`, { cause: err });
  }
  if (err.reason === OPEN_CONNECT_FAILED) {
    return new AmiError('sshAmiRefused', `nothing accepts AMI connections on ${amiHost}:${amiPort} as seen from the SSH server ${where} (${err.message}); is Asterisk running, with AMI enabled on that address?`, { cause: err });
  }
  return new AmiError('protocol', `the SSH server ${where} could not open a channel to ${amiHost}:${amiPort}: ${err.message}`, { cause: err });
}

/** The channel lives and dies with its SSH connection: a keepalive timeout or a dropped link
 *  errors the channel (the AMI connection reports it), and closing the channel ends the SSH
 *  connection. */
function tieToClient(channel: ClientChannel, client: SshClient, where: string): Duplex {
  client.removeAllListeners('error');
  client.removeAllListeners('close');
  client.on('error', (e: Error) => channel.emit('error', new Error(`SSH connection to ${where} lost: ${e.message}`)));
  client.once('close', () => channel.destroy());
  channel.once('close', () => client.end());
  return channel;
}
