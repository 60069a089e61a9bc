// The CLI's commands, on the same bridge and services as the app. Each returns true when
// the operation was done, false when it was refused (exit code 1); connection problems throw.
import { join } from 'node:path';
import { RefusalAlertPolicy } from '../core/alert-policy';
import { dialContacts } from '../core/dial-string';
import { endpointDetail } from '../core/endpoint-view';
import type { EndpointHistoryEntry } from '../core/types';
import { RemovalError, removeContact, restoreContact } from '../ami/removal';
import { PbxSession } from '../ami/session';
import type { AmiSshOptions } from '../ami/ssh-tunnel';
import type { AmiTlsOptions } from '../ami/tls';
import type { RefusalAlert } from '../services/api';
import { AuditLog } from '../services/audit-log';
import { defaultDataDir } from '../services/paths';
import { PbxLink } from '../services/pbx-link';
import { startSandboxHost, type SandboxHost } from '../services/sandbox-host';
import { formatEndpoint } from './format';

export interface CliOptions {
  command: string;
  args: string[];
  host: string;
  port: number;
  user: string;
  secret: string;
  /** AMI over TLS; null: plain TCP. */
  tls: AmiTlsOptions | null;
  /** Through SSH (host and port are then the AMI address on the SSH server's side); null: direct. */
  ssh: AmiSshOptions | null;
  sandbox: boolean;
  json: boolean;
  auditLog: string | null;
  timeoutMs: number;
  /** watch: stop after this many seconds (null: until Ctrl-C). */
  forSeconds: number | null;
}

export const USAGE = `usage: regdesk <command> [options]

commands:
  status                 every endpoint: contacts / max_contacts, each contact with UA, source,
                         expires-in, status, and why it looks stale
  watch                  live: registrations, removals and refused REGISTERs as they happen
  remove <contact-id>    delete a stuck contact from the AstDB, safely (re-read first, verified after)
  restore <audit-id>     put a removed contact back (Undo)
  dial <endpoint>        PJSIP_DIAL_CONTACTS(endpoint): computed, and Asterisk's own answer
  audit                  the removal audit log

options:
  --host H --port N      Asterisk AMI address (default 127.0.0.1:5038, with --tls 5039; env REGDESK_AMI_HOST/PORT)
  --user U               AMI username (env REGDESK_AMI_USER)
  --secret S             AMI secret; prefer env REGDESK_AMI_SECRET (keeps it out of shell history)
  --tls                  AMI over TLS (manager.conf tlsenable); the certificate must verify against the system CAs
  --tls-fingerprint FP   or be exactly this one: its SHA-256 fingerprint, as openssl x509 -noout -fingerprint -sha256
                         prints it (implies --tls; env REGDESK_AMI_TLS_FINGERPRINT)
  --ssh [USER@]HOST[:PORT]  reach AMI through SSH (port 22; --host/--port are then the AMI address as
                         the SSH server sees it, default 127.0.0.1:5038). Logs in with your ssh-agent
                         (SSH_AUTH_SOCK), --ssh-key, or env REGDESK_SSH_PASSWORD
  --ssh-key FILE         OpenSSH private key (ed25519, ECDSA, RSA); its passphrase in env REGDESK_SSH_PASSPHRASE
  --ssh-known-hosts FILE host keys to trust (default ~/.ssh/known_hosts)
  --ssh-fingerprint FP   or trust exactly this host key: SHA256:..., as ssh-keygen -lf prints it
  --sandbox              run against a built-in Sandbox PBX instead of an Asterisk
  --json                 machine-readable output (watch: one JSON object per line)
  --timeout MS           connect/sync deadline (default 10000)
  --for SECONDS          watch: stop after this long
  --audit-log PATH       default: <user data folder>/audit.jsonl (shared with the app)
exit codes: 0 ok, 1 refused, 2 connection or authentication error
`;

type Out = { write(text: string): unknown };

interface Connected {
  session: PbxSession;
  pbxLabel: string;
  close(): Promise<void>;
}

async function connectPbx(o: CliOptions): Promise<Connected> {
  let sandbox: SandboxHost | null = null;
  let login: { host: string; port: number; username: string; secret: string; tls?: AmiTlsOptions | null; ssh?: AmiSshOptions | null } = {
    host: o.host,
    port: o.port,
    username: o.user,
    secret: o.secret,
    tls: o.tls,
    ssh: o.ssh,
  };
  if (o.sandbox) {
    sandbox = await startSandboxHost();
    login = sandbox.login;
  } else if (!o.user || !o.secret) {
    throw new Error('need --user and a secret (REGDESK_AMI_SECRET or --secret), or --sandbox');
  }
  const session = PbxSession.start({ ...login, connectTimeoutMs: o.timeoutMs, loginTimeoutMs: o.timeoutMs, retry: false });
  const close = async () => {
    await session.close();
    await sandbox?.close();
  };
  try {
    await session.whenLive(o.timeoutMs);
  } catch (err) {
    await close();
    throw err;
  }
  const through = login.ssh ? ` via ssh ${login.ssh.username}@${login.ssh.host}:${login.ssh.port}` : '';
  return { session, pbxLabel: `${login.host}:${login.port}${through}`, close };
}

async function withPbx<T>(o: CliOptions, run: (c: Connected) => Promise<T>): Promise<T> {
  const c = await connectPbx(o);
  try {
    return await run(c);
  } finally {
    await c.close();
  }
}

function openAudit(o: CliOptions): Promise<AuditLog> {
  return AuditLog.open(o.auditLog ?? join(defaultDataDir(), 'audit.jsonl'));
}

function requireArg(o: CliOptions, what: string): string {
  const value = o.args[0];
  if (!value) throw new Error(`${o.command} needs ${what}\n${USAGE}`);
  return value;
}

function status(o: CliOptions, out: Out): Promise<boolean> {
  return withPbx(o, async ({ session }) => {
    const state = session.state()!;
    const now = Date.now();
    const details = state.endpoints().map((e) => endpointDetail(state, e.name, [], 0, now));
    if (o.json) out.write(JSON.stringify(details, null, 2) + '\n');
    else out.write(details.map((d) => formatEndpoint(d, now)).join('\n') + '\n');
    return true;
  });
}

function historyLine(endpoint: string, e: EndpointHistoryEntry): string {
  const time = new Date(e.at).toISOString().slice(11, 19);
  const source = e.source ? ` from ${e.source.addr}:${e.source.port}` : '';
  return `${time}  ${endpoint.padEnd(12)} ${e.kind}${e.contactUri ? ' ' + e.contactUri : ''}${source}`;
}

function alertLine(a: Omit<RefusalAlert, 'pbxId' | 'pbxName'>): string {
  const limit = a.maxContacts === null ? '' : ` (max_contacts ${a.maxContacts})`;
  const hint = a.staleCandidate ? `; stuck contact: ${a.staleCandidate} (regdesk remove ${a.staleCandidate})` : '';
  return `          ${a.endpoint.padEnd(12)} REFUSED: AOR ${a.aor ?? '?'} is full${limit}${hint}`;
}

function watch(o: CliOptions, out: Out): Promise<boolean> {
  return withPbx(o, ({ session, pbxLabel }) => {
    const print = (text: string, json: object) => out.write(o.json ? JSON.stringify(json) + '\n' : text + '\n');
    let printedState = session.status().state;
    let warnedSecurity = false;
    // Every refusal is printed: a terminal log is not rate-limited like notifications.
    const link = new PbxLink(session, new RefusalAlertPolicy(0), 'cli', {
      rows: () => {},
      endpointChanged: () => {},
      status: () => {
        const s = session.status();
        if (s.state !== printedState) {
          printedState = s.state;
          print(`-- ${pbxLabel}: ${s.state}${s.error ? ` (${s.error.message})` : ''}`, { event: 'status', state: s.state, error: s.error?.message ?? null });
        }
        if (s.readsSecurityEvents === false && !warnedSecurity) {
          warnedSecurity = true;
          print(
            `-- WARNING: AMI user ${o.user || '(sandbox)'} does not receive security events, so refused REGISTERs (FailedACL) will not show. In manager.conf give it: read = system,security`,
            { event: 'noSecurityEvents', user: o.user },
          );
        }
      },
      refusalAlert: (a) => print(alertLine(a), { event: 'refusal', ...a }),
      history: (endpoint, e) => print(historyLine(endpoint, e), { event: 'history', endpoint, ...e }),
    });
    print(`-- watching ${pbxLabel} (${session.state()!.endpoints().length} endpoints); Ctrl-C to stop`, { event: 'watching', pbx: pbxLabel });
    return new Promise<boolean>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        clearTimeout(timer);
        void link.close().then(() => resolve(true));
      };
      process.on('SIGINT', stop);
      const timer = o.forSeconds === null ? undefined : setTimeout(stop, o.forSeconds * 1000);
    });
  });
}

async function remove(o: CliOptions, out: Out): Promise<boolean> {
  const id = requireArg(o, 'a contact id (<aor>;@<hash>, as `regdesk status` lists it)');
  const audit = await openAudit(o);
  return withPbx(o, async ({ session, pbxLabel }) => {
    const contact = session.state()!.contact(id);
    if (!contact) {
      out.write(o.json ? JSON.stringify({ removed: false, reason: 'gone', contactId: id }) + '\n' : `no contact ${id} is registered\n`);
      return false;
    }
    try {
      const r = await removeContact(session, id, contact.uri, audit, { pbx: pbxLabel });
      out.write(o.json ? JSON.stringify({ removed: true, ...r }) + '\n' : `removed ${id} (${contact.uri}); undo: regdesk restore ${r.auditId}\n`);
      return true;
    } catch (err) {
      if (!(err instanceof RemovalError)) throw err;
      out.write(o.json ? JSON.stringify({ removed: false, reason: err.code, message: err.message }) + '\n' : `not removed: ${err.message}\n`);
      return false;
    }
  });
}

async function restore(o: CliOptions, out: Out): Promise<boolean> {
  const auditId = requireArg(o, 'an audit entry id (from `regdesk remove` or `regdesk audit`)');
  const audit = await openAudit(o);
  return withPbx(o, async ({ session, pbxLabel }) => {
    try {
      const r = await restoreContact(session, auditId, audit, { pbx: pbxLabel });
      out.write(o.json ? JSON.stringify({ restored: true, ...r }) + '\n' : `restored ${r.contactId}\n`);
      return true;
    } catch (err) {
      if (!(err instanceof RemovalError)) throw err;
      out.write(o.json ? JSON.stringify({ restored: false, reason: err.code, message: err.message }) + '\n' : `not restored: ${err.message}\n`);
      return false;
    }
  });
}

/** The same dial string, whatever order Asterisk listed the contacts in. */
function sameTargets(a: string, b: string): boolean {
  const sorted = (s: string) => s.split('&').filter(Boolean).sort().join('&');
  return sorted(a) === sorted(b);
}

function dial(o: CliOptions, out: Out): Promise<boolean> {
  const endpoint = requireArg(o, 'an endpoint name');
  return withPbx(o, async ({ session }) => {
    const computed = dialContacts(session.state()!, endpoint);
    const asterisk = await session.dialString(endpoint);
    const agree = sameTargets(computed, asterisk);
    if (o.json) out.write(JSON.stringify({ endpoint, computed, asterisk, agree }) + '\n');
    else out.write(`computed: ${computed || '(empty)'}\nasterisk: ${asterisk || '(empty)'}\n${agree ? 'same targets' : 'DIFFERENT: RegDesk and Asterisk disagree'}\n`);
    return true;
  });
}

async function auditList(o: CliOptions, out: Out): Promise<boolean> {
  const entries = (await openAudit(o)).entries();
  if (o.json) out.write(JSON.stringify(entries, null, 2) + '\n');
  else {
    for (const e of entries) {
      out.write(`${new Date(e.at).toISOString()}  ${e.id}  ${e.action.padEnd(14)} ${e.outcome.padEnd(7)} ${e.pbx}  ${e.contactId}  ${e.uri}\n`);
    }
  }
  return true;
}

export async function runCommand(o: CliOptions, out: Out): Promise<boolean> {
  switch (o.command) {
    case 'status':
      return status(o, out);
    case 'watch':
      return watch(o, out);
    case 'remove':
      return remove(o, out);
    case 'restore':
      return restore(o, out);
    case 'dial':
      return dial(o, out);
    case 'audit':
      return auditList(o, out);
    case 'help':
      out.write(USAGE);
      return true;
    default:
      throw new Error(`unknown command ${JSON.stringify(o.command)}\n${USAGE}`);
  }
}
