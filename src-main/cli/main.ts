#!/usr/bin/env node
// regdesk: the registrar core and AMI bridge from a terminal, for admins on SSH.
// Exit codes: 0 ok (and --help), 1 operation refused (contact gone or changed, unknown
// endpoint...) or a usage error, 2 connection or authentication error. Every error line on
// stderr starts with `regdesk:`; a usage error is followed by the usage.
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AmiError, AmiSshHostKeyError, AmiTlsError, SSH_ERROR_CODES } from '../ami/errors';
import { normalizeSshFingerprint } from '../ami/ssh-host-key';
import { defaultSshAgent, type AmiSshOptions } from '../ami/ssh-tunnel';
import { normalizeFingerprint } from '../ami/tls';
import { checkHeaderText } from '../ami/writer';
import { ServiceFailure } from '../services/api';
import { DEFAULT_BATCH_RATE, MAX_BATCH_RATE } from '../services/incident-types';
import { CliRefusal, runCommand, USAGE, type CliOptions } from './commands';
import { parseSshTarget } from './ssh-target';

const EXIT_OK = 0;
const EXIT_REFUSED = 1;
const EXIT_CONNECTION = 2;

const CONNECTION_CODES = new Set<string>(['authFailed', 'unreachable', 'refused', 'timeout', 'protocol', 'disconnected', 'tlsUntrusted', 'tlsMismatch', ...SSH_ERROR_CODES]);

function parse(argv: string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      secret: { type: 'string' },
      tls: { type: 'boolean', default: false },
      'tls-fingerprint': { type: 'string' },
      ssh: { type: 'string' },
      'ssh-key': { type: 'string' },
      'ssh-known-hosts': { type: 'string' },
      'ssh-fingerprint': { type: 'string' },
      sandbox: { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'audit-log': { type: 'string' },
      timeout: { type: 'string' },
      for: { type: 'string' },
      // incident mode (cli/incident.ts)
      stale: { type: 'boolean', default: false },
      endpoint: { type: 'string', multiple: true },
      'all-stale': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      rate: { type: 'string' },
      listen: { type: 'string' },
      batch: { type: 'string' },
      batches: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const env = process.env;
  const fingerprintText = values['tls-fingerprint'] ?? env.REGDESK_AMI_TLS_FINGERPRINT;
  const pinnedFingerprint = fingerprintText === undefined ? null : normalizeFingerprint(fingerprintText);
  if (fingerprintText !== undefined && pinnedFingerprint === null) {
    throw new UsageError(`invalid --tls-fingerprint ${JSON.stringify(fingerprintText)}: expected a SHA-256 fingerprint (AB:CD:... as openssl x509 -noout -fingerprint -sha256 prints it)`);
  }
  const tls = values.tls || pinnedFingerprint !== null ? { pinnedFingerprint } : null;
  const ssh = sshOptions(values, env);
  if (ssh && tls) throw new UsageError('--ssh and --tls cannot be combined: through SSH, AMI runs on the SSH server\'s side of an encrypted link already');
  const port = Number(values.port ?? env.REGDESK_AMI_PORT ?? (tls ? 5039 : 5038));
  const timeoutMs = Number(values.timeout ?? 10_000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`invalid --port ${values.port}`);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`invalid --timeout ${values.timeout}`);
  // Everything typed here may end up in an AMI header: refuse CR, LF and NUL up front.
  for (const [field, value] of Object.entries({ ...values, ...positionals })) {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') checkHeaderText(/^\d+$/.test(field) ? 'argument' : `--${field}`, v);
  }
  const rate = Number(values.rate ?? DEFAULT_BATCH_RATE);
  if (!(rate >= 0.1 && rate <= MAX_BATCH_RATE)) throw new UsageError(`invalid --rate ${values.rate}: removals per second, 0.1 to ${MAX_BATCH_RATE}`);
  const listenSeconds = Number(values.listen ?? 0);
  if (!(listenSeconds >= 0)) throw new UsageError(`invalid --listen ${values.listen}`);
  if (values.yes && values['dry-run']) throw new UsageError('--yes and --dry-run contradict each other');
  const forSeconds = values.for === undefined ? null : Number(values.for);
  if (forSeconds !== null && !(forSeconds > 0)) throw new UsageError(`invalid --for ${values.for}`);
  if (values.demo && !values.sandbox) throw new UsageError('--demo runs the demo phones of the built-in Sandbox PBX: it goes with --sandbox');
  if (!values.help && positionals[0] === undefined) throw new UsageError('no command given');
  return {
    command: values.help ? 'help' : positionals[0]!,
    args: positionals.slice(1),
    host: values.host ?? env.REGDESK_AMI_HOST ?? '127.0.0.1',
    port,
    user: values.user ?? env.REGDESK_AMI_USER ?? '',
    // The environment is preferred: a --secret flag lands in shell history and `ps`.
    secret: values.secret ?? env.REGDESK_AMI_SECRET ?? '',
    tls,
    ssh,
    sandbox: values.sandbox ?? false,
    demo: values.demo ?? false,
    json: values.json ?? false,
    auditLog: values['audit-log'] ?? null,
    timeoutMs,
    forSeconds,
    stale: values.stale ?? false,
    incident: {
      endpoints: values.endpoint ?? [],
      allStale: values['all-stale'] ?? false,
      dryRun: values['dry-run'] ?? false,
      yes: values.yes ?? false,
      rate,
      listenSeconds,
      batchId: values.batch ?? null,
      batchesOnly: values.batches ?? false,
    },
  };
}

/** --ssh and its companions; null without --ssh. Credentials: the agent when SSH_AUTH_SOCK is
 *  set, the --ssh-key file, REGDESK_SSH_PASSWORD; ssh2 tries them in that order. */
function sshOptions(values: Record<string, string | string[] | boolean | undefined>, env: NodeJS.ProcessEnv): AmiSshOptions | null {
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const targetText = str('ssh');
  if (targetText === undefined) {
    const stray = ['ssh-key', 'ssh-known-hosts', 'ssh-fingerprint'].find((f) => str(f) !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --ssh [user@]host[:port]`);
    return null;
  }
  const target = parseSshTarget(targetText, userInfo().username);
  if (typeof target === 'string') throw new UsageError(target);
  const fingerprintText = str('ssh-fingerprint');
  const pinnedFingerprint = fingerprintText === undefined ? null : normalizeSshFingerprint(fingerprintText);
  if (fingerprintText !== undefined && pinnedFingerprint === null) {
    throw new UsageError(`invalid --ssh-fingerprint ${JSON.stringify(fingerprintText)}: expected SHA256:... as ssh-keygen -lf prints it`);
  }
  return {
    host: target.host,
    port: target.port,
    username: target.user,
    agent: defaultSshAgent(env),
    privateKeyFile: str('ssh-key') ?? null,
    passphrase: env.REGDESK_SSH_PASSPHRASE ?? null,
    password: env.REGDESK_SSH_PASSWORD ?? null,
    knownHostsFile: str('ssh-known-hosts') ?? join(homedir(), '.ssh', 'known_hosts'),
    pinnedFingerprint,
  };
}

class UsageError extends Error {}

const TLS_TRUST_HINT: Record<AmiTlsError['code'], string> = {
  tlsUntrusted: 'once compared with the PBX, trust this certificate with',
  tlsMismatch: 'only if the certificate was renewed on the PBX, trust the new one with',
};

const SSH_TRUST_HINT: Record<AmiSshHostKeyError['code'], string> = {
  sshHostKeyUnknown: 'once compared with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the PBX, trust this host key with',
  sshHostKeyChanged: 'only if the host key was really changed on the PBX, trust the new one with',
};

async function main(): Promise<number> {
  // `regdesk serve` is long-running with options of its own (src-main/serve/).
  if (process.argv[2] === 'serve') return (await import('../serve/main')).serveMain(process.argv.slice(3));
  let options: CliOptions;
  try {
    options = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`regdesk: ${(err as Error).message}\n${USAGE}`);
    return EXIT_REFUSED;
  }
  try {
    return (await runCommand(options, process.stdout)) ? EXIT_OK : EXIT_REFUSED;
  } catch (err) {
    const code = err instanceof AmiError || err instanceof ServiceFailure ? err.code : 'internal';
    process.stderr.write(`regdesk: ${(err as Error).message}\n`);
    if (err instanceof AmiTlsError) process.stderr.write(`regdesk: ${TLS_TRUST_HINT[err.code]} --tls-fingerprint ${err.fingerprint}\n`);
    if (err instanceof AmiSshHostKeyError) process.stderr.write(`regdesk: ${SSH_TRUST_HINT[err.code]} --ssh-fingerprint ${err.fingerprint}\n`);
    if (err instanceof AmiError && err.code === 'sshKeyLocked') process.stderr.write('regdesk: give the key\'s passphrase in REGDESK_SSH_PASSPHRASE, or load the key into your ssh-agent\n');
    if (err instanceof UsageError || err instanceof CliRefusal) return EXIT_REFUSED;
    return CONNECTION_CODES.has(code) ? EXIT_CONNECTION : EXIT_REFUSED;
  }
}

// `regdesk watch | head`: the reader went away, which ends the command, not in a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? EXIT_OK : EXIT_REFUSED));

// Exit explicitly: a finished command must never linger on a forgotten handle.
process.exit(await main());
