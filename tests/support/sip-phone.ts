// Real SIP phones for tests: sipp (Debian `sip-tester`) running tests/fixtures/sipp/register.xml,
// one REGISTER (with digest auth when challenged) per call, bounded by a timeout. Defaults mirror
// the lab phones of the recordings: Contact sip:<user>@127.0.0.1:<port>;rinstance=<16 hex>,
// User-Agent `Grandstream GXP2170 1.0.11.3`, Call-ID <24 hex>@127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LAB_USER_AGENT = 'Grandstream GXP2170 1.0.11.3';
const SCENARIO = join(import.meta.dirname, '..', 'fixtures', 'sipp', 'register.xml');
const DEFAULT_TIMEOUT_MS = 10_000;

export interface PhoneOptions {
  server: { address: string; port: number };
  user: string;
  password: string;
  /** UDP port the phone sends from; a free one when omitted. */
  localPort?: number;
  /** Loopback address the phone sends from (any 127.x.y.z); 127.0.0.1 by default. */
  localAddress?: string;
  /** Default `sip:<user>@127.0.0.1:<localPort>;rinstance=<16 hex>`. */
  contactUri?: string;
  userAgent?: string;
  /** Default a fresh `<24 hex>@127.0.0.1`. */
  callId?: string;
  timeoutMs?: number;
}

export interface PhoneResult {
  /** Status of the final response (after the digest round trip when there was one). */
  status: number;
  /** That response as received. */
  response: string;
  /** Its Contact header values. */
  contacts: string[];
  localPort: number;
  contactUri: string;
  callId: string;
}

/** True when `cmd` (sipp, baresip) is on PATH. */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** True when sipp is on PATH. */
export function hasSipp(): boolean {
  return hasCommand('sipp');
}

/** Tests needing `cmd` skip with a message when it is missing, except under CI where they must
 *  run (and fail). Returns true when they should be skipped. */
export function skipWithout(cmd: string, debianPackage: string): boolean {
  if (hasCommand(cmd) || process.env.CI === 'true') return false;
  console.warn(`${cmd} is not installed (Debian package ${debianPackage}): skipping the tests that need it`);
  return true;
}

export function registerPhone(opts: PhoneOptions & { expires: number }): Promise<PhoneResult> {
  return runRegister(opts, opts.expires, false);
}

/** REGISTER with Expires: 0 for the phone's own Contact, or `Contact: *` with `all`. */
export function unregisterPhone(opts: PhoneOptions & { all?: boolean }): Promise<PhoneResult> {
  return runRegister(opts, 0, opts.all ?? false);
}

/** A UDP port nobody is bound to right now (bind to 0, read it, release it). */
export async function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, resolve);
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export function labContactUri(user: string, port: number, address = '127.0.0.1'): string {
  return `sip:${user}@${address}:${port};rinstance=${randomBytes(8).toString('hex')}`;
}

async function runRegister(opts: PhoneOptions, expires: number, star: boolean): Promise<PhoneResult> {
  const localAddress = opts.localAddress ?? '127.0.0.1';
  const localPort = opts.localPort ?? (await freeUdpPort(localAddress));
  const contactUri = opts.contactUri ?? labContactUri(opts.user, localPort, localAddress);
  const callId = opts.callId ?? `${randomBytes(12).toString('hex')}@127.0.0.1`;
  const dir = mkdtempSync(join(tmpdir(), 'regdesk-sipp-'));
  const messageFile = join(dir, 'messages.log');
  const args = [
    `${opts.server.address}:${opts.server.port}`,
    '-sf', SCENARIO,
    '-key', 'user', opts.user,
    '-key', 'contact', star ? '*' : `<${contactUri}>`,
    '-key', 'expires', String(expires),
    '-key', 'ua', opts.userAgent ?? LAB_USER_AGENT,
    // sipp maps answers to its call by Call-ID, so the Call-ID is set as its own (% escaped).
    '-cid_str', callId.replaceAll('%', '%%'),
    '-au', opts.user,
    '-ap', opts.password,
    '-m', '1',
    '-i', localAddress,
    '-p', String(localPort),
    '-trace_msg', '-message_file', messageFile,
    '-recv_timeout', String(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    '-nostdin',
  ];
  try {
    await runBounded('sipp', args, (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 2000);
    const response = lastReceived(readFileSync(messageFile, 'utf8'));
    if (!response) throw new Error(`sipp got no answer from ${opts.server.address}:${opts.server.port}`);
    const status = Number(/^SIP\/2\.0 (\d{3})/.exec(response)?.[1]);
    const contacts = response
      .split(/\r?\n/)
      .filter((l) => /^(Contact|m):/i.test(l))
      .map((l) => l.slice(l.indexOf(':') + 1).trim());
    return { status, response, contacts, localPort, contactUri, callId };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last message sipp logged as received, from its -trace_msg file. */
function lastReceived(log: string): string | null {
  const blocks = log.split(/^-{20,}.*$/m);
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i]!;
    const m = /UDP message received \[\d+\] bytes :\s*\n\n([\s\S]*)$/.exec(block);
    if (m) return m[1]!.trim();
  }
  return null;
}

/** Runs a command to completion; kills it (and fails) after `timeoutMs`. sipp's exit code is
 *  ignored: its verdict on the scenario is not ours, the logged response is. */
function runBounded(cmd: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (stderr.includes('Unable to bind')) reject(new Error(`${cmd}: ${stderr.trim()}`));
      else resolve();
    });
  });
}
