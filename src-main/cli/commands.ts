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
import type { AuditEntry } from '../ami/audit-trail';
import { followAuditLog } from '../services/audit-follow';
import { AuditLog } from '../services/audit-log';
import { defaultDataDir } from '../services/paths';
import { PbxLink } from '../services/pbx-link';
import { startSandboxHost, type SandboxHost } from '../services/sandbox-host';
import { uriHost } from '../sandbox/sip/message';
import { formatEndpoint, formatPbxHeader, versionWarning } from './format';
import { auditBatches, formatBatches, removeStale, restoreBatch, type IncidentCliOptions } from './incident';

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
  /** --sandbox only: run its demo phones (status: fast-forwarded until a phone is refused). */
  demo: boolean;
  json: boolean;
  auditLog: string | null;
  timeoutMs: number;
  /** watch: stop after this many seconds (null: until Ctrl-C). */
  forSeconds: number | null;
  /** remove --stale, restore --batch (incident mode). */
  stale: boolean;
  incident: IncidentCliOptions;
}

export const USAGE = `usage: regdesk <command> [options]

commands:
  status                 every endpoint: contacts / max_contacts, each contact with UA, source,
                         expires-in, status, and why it looks stale
  watch                  live: registrations, removals and refused REGISTERs as they happen
  remove <contact-id>    delete a stuck contact from the AstDB, safely (re-read first, verified after)
  restore <audit-id>     put a removed contact back (Undo)
  remove --stale         incident mode: plan every stale contact that blocks a phone, grouped per endpoint;
                         prints the plan (--dry-run, the default) or, with --yes, removes it as one batch
                         [--endpoint NAME ...] [--all-stale] [--rate N] [--listen SECONDS]
  restore --batch <id>   undo a whole batch: each contact back if its slot is free and not registered again
  dial <endpoint>        PJSIP_DIAL_CONTACTS(endpoint): computed, and Asterisk's own answer
  audit                  the removal audit log
  serve --config FILE    headless, many PBXs, Prometheus /metrics (regdesk serve --help)

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
  --demo                 with --sandbox: demo phones register, and one is refused (status shows AT LIMIT and STALE)
  --json                 machine-readable output (watch: one JSON object per line)
  --timeout MS           connect/sync deadline (default 10000)
  --for SECONDS          watch: stop after this long
  --audit-log PATH       default: <user data folder>/audit.jsonl (shared with the app)
  --endpoint NAME        remove --stale: only this endpoint (repeatable)
  --all-stale            remove --stale: every stale contact, also those that block no phone
  --dry-run / --yes      remove --stale: print the plan / run it
  --rate N               removals per second of a batch (default 20)
  --listen SECONDS       remove --stale: first listen this long for refused REGISTERs (a refused phone's
                         leftover is known only from its refusal; phones retry every 30 to 60 s)
  --batches              audit: the batches only
  -h, --help             this text
exit codes: 0 ok, 1 refused or usage error, 2 connection or authentication error
`;

/** A refusal with its reason: printed on stderr as `regdesk: <message>`, exit code 1. */
export class CliRefusal extends Error {}

type Out = { write(text: string): unknown };

/** A refused operation: its JSON on stdout with --json (for scripts), the reason on stderr always. */
function refuse(o: CliOptions, out: Out, reason: string, json: object): false {
  if (o.json) out.write(JSON.stringify(json) + '\n');
  process.stderr.write(`regdesk: ${reason}\n`);
  return false;
}

interface Connected {
  session: PbxSession;
  pbxLabel: string;
  /** The built-in Sandbox PBX when --sandbox was given. */
  sandbox: SandboxHost | null;
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
    // status wants the end state at once: the demo script runs 100 times faster there.
    sandbox = await startSandboxHost({ demoPhones: o.demo, ...(o.command === 'status' ? { demoTimeScale: 0.01 } : {}) });
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
    if (sandbox && o.demo && o.command === 'status') await demoRefused(session, o.timeoutMs);
  } catch (err) {
    await close();
    throw err;
  }
  const through = login.ssh ? ` via ssh ${login.ssh.username}@${login.ssh.host}:${login.ssh.port}` : '';
  return { session, pbxLabel: `${login.host}:${login.port}${through}`, sandbox, close };
}

/** Until the demo's rebooting phone has been refused and every contact is read in full. */
function demoRefused(session: PbxSession, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let refused = false;
    const complete = () => session.state()!.endpoints().every((e) => e.aors.every((a) => session.state()!.contactsOfAor(a).every((c) => c.userAgent !== '')));
    const check = setInterval(() => {
      if (!refused || !complete()) return;
      finish();
      resolve();
    }, 50);
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`the demo phones did not reach their refused state within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = session.onChange((changes) => (refused ||= changes.some((c) => c.kind === 'refused')));
    const finish = () => {
      clearInterval(check);
      clearTimeout(timer);
      unsubscribe();
    };
  });
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
  if (!value) throw new CliRefusal(`${o.command} needs ${what}\n${USAGE}`);
  return value;
}

function status(o: CliOptions, out: Out): Promise<boolean> {
  return withPbx(o, async ({ session, pbxLabel }) => {
    const state = session.state()!;
    const now = Date.now();
    const facts = state.facts();
    const details = state.endpoints().map((e) => endpointDetail(state, e.name, [], 0, now));
    if (o.json) {
      const warning = versionWarning(facts);
      out.write(JSON.stringify({ pbx: pbxLabel, ...facts, ...(warning ? { warning } : {}), endpoints: details }, null, 2) + '\n');
    } else {
      out.write([...formatPbxHeader(pbxLabel, facts), ...details.map((d) => formatEndpoint(d, now))].join('\n') + '\n');
    }
    return true;
  });
}

function auditLine(e: AuditEntry): string {
  const time = new Date(e.outcomeAt ?? e.at).toISOString().slice(11, 19);
  const what = e.action === 'removeContact' ? 'removed by RegDesk' : 'restored by RegDesk';
  return `${time}  ${e.endpoint.padEnd(12)} ${what} ${e.uri} (${e.contactId}; audit ${e.id}, ${e.pbx})`;
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
  return withPbx(o, async ({ session, pbxLabel, sandbox }) => {
    const print = (text: string, json: object) => out.write(o.json ? JSON.stringify(json) + '\n' : text + '\n');
    let printedState = session.status().state;
    let warnedSecurity = false;
    if (sandbox) {
      const sip = `${uriHost(sandbox.pbx.sipAddress.address)}:${sandbox.pbx.sipAddress.port}`;
      print(
        `-- Sandbox PBX: SIP udp ${sip} (register as <endpoint>@${sip}, password pw-<endpoint>), AMI tcp ${pbxLabel}`,
        { event: 'sandbox', sip: sandbox.pbx.sipAddress, ami: { address: sandbox.ami.address, port: sandbox.ami.port } },
      );
    }
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
    const facts = session.state()!.facts();
    const [versionLine, warning] = formatPbxHeader(pbxLabel, facts);
    print(`-- watching ${versionLine} (${session.state()!.endpoints().length} endpoints); Ctrl-C to stop`, { event: 'watching', pbx: pbxLabel, ...facts });
    if (warning) print(`-- ${warning}`, { event: 'versionWarning', message: versionWarning(facts) });
    // Removals and restores by any RegDesk sharing the audit log; Asterisk announces neither.
    // Only those of an AOR this PBX has: the log also holds other PBXs' entries.
    const follower = await followAuditLog(o.auditLog ?? join(defaultDataDir(), 'audit.jsonl'), (e) => {
      if (!session.state()?.aor(e.aor)) return;
      const { storedValue: _stored, ...entry } = e;
      print(auditLine(e), { event: 'audit', ...entry });
    });
    return new Promise<boolean>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        clearTimeout(timer);
        void Promise.all([follower.close(), link.close()]).then(() => resolve(true));
      };
      process.on('SIGINT', stop);
      const timer = o.forSeconds === null ? undefined : setTimeout(stop, o.forSeconds * 1000);
    });
  });
}

function incident(o: CliOptions, out: Out, run: (c: Parameters<typeof removeStale>[0]) => Promise<boolean>): Promise<boolean> {
  return openAudit(o).then((audit) => withPbx(o, ({ session, pbxLabel }) => run({ session, pbxLabel, audit, json: o.json, options: o.incident, out })));
}

async function remove(o: CliOptions, out: Out): Promise<boolean> {
  if (o.stale) return incident(o, out, removeStale);
  const id = requireArg(o, 'a contact id (<aor>;@<hash>, as `regdesk status` lists it)');
  const audit = await openAudit(o);
  return withPbx(o, async ({ session, pbxLabel }) => {
    const contact = session.state()!.contact(id);
    if (!contact) return refuse(o, out, `no contact ${id} is registered`, { removed: false, reason: 'gone', contactId: id });
    try {
      const r = await removeContact(session, id, contact.uri, audit, { pbx: pbxLabel });
      out.write(o.json ? JSON.stringify({ removed: true, ...r }) + '\n' : `removed ${id} (${contact.uri}); undo: regdesk restore ${r.auditId}\n`);
      return true;
    } catch (err) {
      if (!(err instanceof RemovalError)) throw err;
      return refuse(o, out, `not removed: ${err.message}`, { removed: false, reason: err.code, message: err.message });
    }
  });
}

async function restore(o: CliOptions, out: Out): Promise<boolean> {
  const batchId = o.incident.batchId;
  if (batchId !== null) return incident(o, out, (c) => restoreBatch(c, batchId));
  const auditId = requireArg(o, 'an audit entry id (from `regdesk remove` or `regdesk audit`)');
  const audit = await openAudit(o);
  return withPbx(o, async ({ session, pbxLabel }) => {
    try {
      const r = await restoreContact(session, auditId, audit, { pbx: pbxLabel });
      out.write(o.json ? JSON.stringify({ restored: true, ...r }) + '\n' : `restored ${r.contactId}\n`);
      return true;
    } catch (err) {
      if (!(err instanceof RemovalError)) throw err;
      return refuse(o, out, `not restored: ${err.message}`, { restored: false, reason: err.code, message: err.message });
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
    if (!session.state()!.endpoint(endpoint)) return refuse(o, out, `no endpoint ${endpoint}`, { endpoint, reason: 'notFound' });
    const computed = dialContacts(session.state()!, endpoint);
    const asterisk = await session.dialString(endpoint);
    const agree = sameTargets(computed, asterisk);
    if (o.json) out.write(JSON.stringify({ endpoint, computed, asterisk, agree }) + '\n');
    else out.write(`computed: ${computed || '(empty)'}\nasterisk: ${asterisk || '(empty)'}\n${agree ? 'same targets' : 'DIFFERENT: RegDesk and Asterisk disagree'}\n`);
    return true;
  });
}

async function auditList(o: CliOptions, out: Out): Promise<boolean> {
  const log = await openAudit(o);
  const entries = log.entries();
  if (o.incident.batchesOnly) {
    const batches = auditBatches(log);
    out.write(o.json ? JSON.stringify(batches, null, 2) + '\n' : batches.length ? formatBatches(batches) + '\n' : '');
    return true;
  }
  if (o.json) out.write(JSON.stringify(entries, null, 2) + '\n');
  else {
    for (const e of entries) {
      out.write(`${new Date(e.at).toISOString()}  ${e.id}  ${e.action.padEnd(14)} ${e.outcome.padEnd(7)} ${e.pbx}  ${e.contactId}  ${e.uri}${e.batchId ? `  batch ${e.batchId}` : ''}\n`);
    }
    const batches = auditBatches(log);
    if (batches.length) out.write(formatBatches(batches) + '\n');
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
      throw new CliRefusal(`unknown command ${JSON.stringify(o.command)}\n${USAGE}`);
  }
}
