// The main-process services every front end shares: the PBXs (the built-in Sandbox PBX plus
// the admin's Asterisk profiles) with their live sessions, removal and undo through the audit
// log, refusal alerts, settings. Plain Node: the Electron shell, browser mode and the CLI
// all call this.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RefusalAlertPolicy } from '../core/alert-policy';
import { dialContacts } from '../core/dial-string';
import { AmiError } from '../ami/errors';
import { Listeners } from '../ami/listeners';
import { RemovalError, removeContact, restoreContact, type RemovalErrorCode } from '../ami/removal';
import { PbxSession } from '../ami/session';
import { defaultSshAgent, type AmiSshOptions } from '../ami/ssh-tunnel';
import type { AmiTlsOptions } from '../ami/tls';
import {
  ServiceFailure,
  type PbxId,
  type PbxProfileInput,
  type PbxSshProfile,
  type PbxSummary,
  type RegDeskServices,
  type SecretStore,
  type SecretsStatus,
  type ServiceError,
  type ServiceEvents,
} from './api';
import { AuditLog } from './audit-log';
import { IncidentDesk } from './incident-desk';
import { PassphraseVault } from './passphrase-vault';
import { PbxLink, serviceCode, serviceErrorOf } from './pbx-link';
import { ProfileStore, type StoredProfile } from './profiles';
import type { SandboxHost, SandboxHostOptions } from './sandbox-host';
import { ASTERISK_DEFAULT_PORTS, startSandboxOnStablePorts, type SandboxPorts } from './sandbox-ports';
import { SettingsStore } from './settings';

export const SANDBOX_PBX_ID = 'sandbox';

export interface ServicesOptions {
  /** The user data folder: profiles, settings, the audit log, the sandbox's AstDB. */
  dataDir: string;
  /** The OS keystore (Electron), or a PassphraseVault where there is none (browser mode). */
  secrets: SecretStore;
  /**
   * The built-in Sandbox PBX; false to run without it. When omitted (the app), it runs with
   * its demo phones, so a fresh install shows a refused phone and its stuck contact within a
   * minute; tests pass their own options (no demo phones) to drive phones themselves.
   */
  sandbox?: (SandboxHostOptions & { preferredPorts?: SandboxPorts }) | false;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  /** Incident mode: removals per second of a batch (default DEFAULT_BATCH_RATE). */
  batchRate?: number;
  /** The SSH host keys to trust besides pinned ones; default the user's ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** The SSH agent for profiles with auth 'agent'; default SSH_AUTH_SOCK (Pageant on Windows). */
  sshAgent?: string | null;
}

interface PbxEntry {
  id: PbxId;
  name: string;
  kind: PbxSummary['kind'];
  host: string;
  port: number;
  username: string;
  tls: boolean;
  tlsFingerprint: string | null;
  ssh: PbxSshProfile | null;
  link: PbxLink | null;
}

interface AmiLogin {
  host: string;
  port: number;
  username: string;
  secret: string;
  tls?: AmiTlsOptions | null;
  ssh?: AmiSshOptions | null;
}

type EventListeners = { [K in keyof ServiceEvents]: Listeners<[ServiceEvents[K]]> };

export async function createServices(opts: ServicesOptions): Promise<RegDeskServices> {
  const now = opts.now ?? Date.now;
  const profiles = new ProfileStore(opts.dataDir, opts.secrets);
  const settings = new SettingsStore(opts.dataDir);
  const audit = await AuditLog.open(join(opts.dataDir, 'audit.jsonl'));
  const alerts = new RefusalAlertPolicy();
  const entries = new Map<PbxId, PbxEntry>();
  // One front end's failing listener must not stop the others or the session.
  const listeners: EventListeners = {
    pbxChanged: new Listeners(),
    pbxRemoved: new Listeners(),
    endpointRows: new Listeners(),
    endpointChanged: new Listeners(),
    refusalAlert: new Listeners(),
    batchProgress: new Listeners(),
  };
  let sandbox: SandboxHost | null = null;
  const incidents = new IncidentDesk({ audit, now, ...(opts.batchRate ? { rate: opts.batchRate } : {}), progress: (p) => emit('batchProgress', p) });

  function emit<K extends keyof ServiceEvents>(event: K, payload: ServiceEvents[K]): void {
    (listeners[event] as Listeners<[ServiceEvents[K]]>).emit(payload);
  }

  function summary(e: PbxEntry): PbxSummary {
    return {
      id: e.id,
      name: e.name,
      kind: e.kind,
      host: e.host,
      port: e.port,
      username: e.username,
      tls: e.tls,
      tlsFingerprint: e.tlsFingerprint,
      ssh: e.ssh,
      state: e.link ? e.link.connectionState() : 'disconnected',
      error: e.link ? e.link.error() : null,
      warnings: e.link ? e.link.warnings() : 0,
      readsSecurityEvents: e.link ? e.link.session.status().readsSecurityEvents : null,
      facts: e.link?.session.state()?.facts() ?? null,
      ...(e.kind === 'sandbox' && sandbox ? { sipAddress: sandbox.pbx.sipAddress } : {}),
    };
  }

  function entry(id: PbxId): PbxEntry {
    const e = entries.get(id);
    if (!e) throw new ServiceFailure('notFound', `no PBX ${id}`);
    return e;
  }

  function liveLink(id: PbxId): PbxLink {
    const link = entry(id).link;
    if (!link) throw new ServiceFailure('unreachable', 'this PBX is not connected');
    return link;
  }

  function connect(e: PbxEntry, login: AmiLogin): void {
    const session = PbxSession.start(login);
    e.link = new PbxLink(session, alerts, e.id, {
      rows: (diff) => emit('endpointRows', { pbxId: e.id, ...diff }),
      endpointChanged: (endpoint) => emit('endpointChanged', { pbxId: e.id, endpoint }),
      status: () => emit('pbxChanged', summary(e)),
      refusalAlert: (alert) => emit('refusalAlert', { ...alert, pbxId: e.id, pbxName: e.name }),
    }, now);
    incidents.track(e.id, session);
    emit('pbxChanged', summary(e));
  }

  async function disconnect(e: PbxEntry): Promise<void> {
    const link = e.link;
    e.link = null;
    await link?.close();
    emit('pbxChanged', summary(e));
  }

  function profileEntry(p: StoredProfile): PbxEntry {
    return {
      id: p.id,
      name: p.name,
      kind: 'asterisk',
      host: p.host,
      port: p.port,
      username: p.username,
      tls: p.tls,
      tlsFingerprint: p.tlsFingerprint ?? null,
      ssh: p.ssh ?? null,
      link: null,
    };
  }

  const vault = opts.secrets instanceof PassphraseVault ? opts.secrets : null;

  function secretsStatus(): SecretsStatus {
    if (!vault) return { store: opts.secrets.isAvailable() ? 'keystore' : 'memory', locked: false, passphraseAvailable: false };
    const state = vault.state();
    return { store: state === 'none' ? 'memory' : 'passphrase', locked: state === 'locked', passphraseAvailable: true };
  }

  const knownHostsFile = opts.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts');
  const sshAgent = opts.sshAgent === undefined ? defaultSshAgent() : opts.sshAgent;

  /** What the bridge needs to go through the profile's SSH server; the secret per auth kind. */
  function sshLogin(id: PbxId, ssh: PbxSshProfile): AmiSshOptions {
    const sshSecret = profiles.sshSecret(id);
    if (ssh.auth === 'password' && sshSecret === null) throw new ServiceFailure('noKeystore', 'the SSH password of this PBX was not kept (no OS keystore); enter it again');
    return {
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      agent: ssh.auth === 'agent' ? sshAgent : null,
      privateKeyFile: ssh.auth === 'key' ? ssh.keyFile : null,
      passphrase: ssh.auth === 'key' ? sshSecret : null,
      password: ssh.auth === 'password' ? sshSecret : null,
      knownHostsFile,
      pinnedFingerprint: ssh.hostKeyFingerprint,
    };
  }

  function connectProfile(e: PbxEntry): void {
    const secret = profiles.secret(e.id);
    if (secret === null && vault?.state() === 'locked' && profiles.hasSealedSecret(e.id)) {
      throw new ServiceFailure('noKeystore', 'the AMI secret of this PBX is sealed with the RegDesk passphrase: enter the passphrase first');
    }
    if (secret === null) throw new ServiceFailure('noKeystore', 'the AMI secret of this PBX was not kept (no OS keystore and no RegDesk passphrase); enter it again');
    const ssh = e.ssh ? sshLogin(e.id, e.ssh) : null;
    connect(e, { host: e.host, port: e.port, username: e.username, secret, tls: e.tls ? { pinnedFingerprint: e.tlsFingerprint } : null, ssh });
  }

  if (opts.sandbox !== false) {
    // The app prefers Asterisk's own ports; tests pass the ports they may use.
    const { preferredPorts, ...hostOptions } = opts.sandbox ?? { demoPhones: true, preferredPorts: ASTERISK_DEFAULT_PORTS };
    sandbox = await startSandboxOnStablePorts(
      { astdbFile: join(opts.dataDir, 'sandbox-astdb.json'), ...hostOptions },
      preferredPorts ?? { sip: 0, ami: 0 },
      settings.sandboxPorts(),
      (ports) => settings.setSandboxPorts(ports),
    );
    const e: PbxEntry = { id: SANDBOX_PBX_ID, name: 'Sandbox PBX', kind: 'sandbox', host: sandbox.login.host, port: sandbox.login.port, username: sandbox.login.username, tls: false, tlsFingerprint: null, ssh: null, link: null };
    entries.set(e.id, e);
    // A hidden sandbox stays quiet: no rows, no badge, no refusal alerts from its demo phones.
    if (settings.get().showSandbox) connect(e, sandbox.login);
  }

  /** Real PBXs first (the app opens on the first one); the Sandbox last, unless hidden. */
  function listed(): PbxEntry[] {
    const all = [...entries.values()];
    const sandboxShown = settings.get().showSandbox;
    return [...all.filter((e) => e.kind !== 'sandbox'), ...all.filter((e) => e.kind === 'sandbox' && sandboxShown)];
  }

  async function showSandbox(show: boolean): Promise<void> {
    const e = entries.get(SANDBOX_PBX_ID);
    if (!e || !sandbox) return;
    if (show && !e.link) connect(e, sandbox.login);
    if (!show) {
      await disconnect(e);
      emit('pbxRemoved', { pbxId: e.id });
    }
  }
  for (const p of profiles.list()) {
    const e = profileEntry(p);
    entries.set(e.id, e);
    // A profile whose secret was not kept stays disconnected until the admin enters it again.
    if (profiles.secret(p.id) !== null && !(p.ssh?.auth === 'password' && profiles.sshSecret(p.id) === null)) connectProfile(e);
  }

  return {
    async listPbxs() {
      return listed().map(summary);
    },

    async addPbx(profile: PbxProfileInput, secret: string, sshSecret: string | null = null) {
      const e = profileEntry(profiles.add(profile, secret, sshSecret));
      entries.set(e.id, e);
      connectProfile(e);
      return summary(e);
    },

    async updatePbx(pbxId, profile, secret, sshSecret = null) {
      const e = entry(pbxId);
      if (e.kind === 'sandbox') throw new ServiceFailure('invalidArgument', 'the Sandbox PBX cannot be edited');
      // Validate and save first: a refused edit leaves the PBX as it was, still connected.
      const next = profileEntry(profiles.update(pbxId, profile, secret, sshSecret));
      await disconnect(e);
      entries.set(pbxId, next);
      connectProfile(next);
      return summary(next);
    },

    async removePbx(pbxId) {
      const e = entry(pbxId);
      if (e.kind === 'sandbox') throw new ServiceFailure('invalidArgument', 'the Sandbox PBX cannot be removed');
      await disconnect(e);
      profiles.remove(pbxId);
      entries.delete(pbxId);
      emit('pbxRemoved', { pbxId });
    },

    async connectPbx(pbxId) {
      const e = entry(pbxId);
      if (e.link) return;
      if (e.kind === 'sandbox' && sandbox) connect(e, sandbox.login);
      else connectProfile(e);
    },

    async disconnectPbx(pbxId) {
      await disconnect(entry(pbxId));
    },

    async listEndpoints(pbxId) {
      return entry(pbxId).link?.listRows() ?? [];
    },

    async getEndpoint(pbxId, endpoint) {
      return liveLink(pbxId).detail(endpoint);
    },

    async removeContact(pbxId, contactId, expectedUri) {
      const link = liveLink(pbxId);
      const removed = await asServiceCall(() => removeContact(link.session, contactId, expectedUri, audit, { pbx: pbxId, now }));
      const entry = audit.entry(removed.auditId);
      if (entry) {
        link.record(entry.endpoint, { at: now(), kind: 'removedByAdmin', contactUri: entry.uri, auditId: entry.id });
        // The slot is free again: the next refusal of this endpoint is news.
        link.resetAlerts(entry.endpoint);
      }
      return { auditId: removed.auditId, contactId };
    },

    async restoreContact(pbxId, auditId) {
      const link = liveLink(pbxId);
      const restored = await asServiceCall(() => restoreContact(link.session, auditId, audit, { pbx: pbxId, now }));
      const entry = audit.entry(restored.auditId);
      if (entry) link.record(entry.endpoint, { at: now(), kind: 'restoredByAdmin', contactUri: entry.uri, auditId: entry.id });
    },

    async getHistory(pbxId, query) {
      return entry(pbxId).link?.historyEvents(query) ?? [];
    },

    async dialStrings(pbxId, endpoint) {
      const link = liveLink(pbxId);
      const computed = dialContacts(link.requireState(), endpoint);
      try {
        return { computed, asterisk: await link.session.dialString(endpoint), asteriskError: null };
      } catch (err) {
        if (!(err instanceof AmiError)) throw err;
        // A name RegDesk refuses to send is the caller's error; anything else (a denied Getvar, a
        // timeout, a dropped connection) is shown, with its reason, beside the computed value.
        if (err.code === 'invalidArgument' || err.code === 'headerInjection') throw new ServiceFailure('invalidArgument', err.message);
        return { computed, asterisk: null, asteriskError: serviceErrorOf(err) };
      }
    },

    async secretsStatus() {
      return secretsStatus();
    },

    async setPassphrase(passphrase) {
      if (!vault) throw new ServiceFailure('invalidArgument', 'secrets are kept by the operating system keystore here; no passphrase is needed');
      await vault.create(passphrase);
      profiles.sealMemorySecrets();
      return secretsStatus();
    },

    async unlockSecrets(passphrase) {
      if (!vault) return secretsStatus();
      await vault.unlock(passphrase);
      // The PBXs that stayed disconnected for want of their secret connect now.
      for (const e of entries.values()) {
        if (e.kind === 'asterisk' && !e.link && profiles.secret(e.id) !== null) connectProfile(e);
      }
      return secretsStatus();
    },

    async getIncident(pbxId) {
      return incidents.view(pbxId, liveLink(pbxId));
    },

    async planIncident(pbxId, options) {
      return incidents.plan(pbxId, liveLink(pbxId), options);
    },

    async startRemovalBatch(pbxId, contactIds, rate) {
      const link = liveLink(pbxId);
      return asServiceCall(async () => incidents.start(pbxId, link, contactIds, rate));
    },

    async cancelBatch(pbxId, batchId) {
      incidents.cancel(pbxId, batchId);
    },

    async restoreBatch(pbxId, batchId) {
      const link = liveLink(pbxId);
      return asServiceCall(() => incidents.restore(pbxId, link, batchId, null));
    },

    async listBatches() {
      return incidents.batches();
    },

    async getSettings() {
      return settings.get();
    },

    async setSettings(next) {
      const wasShown = settings.get().showSandbox;
      const saved = settings.set(next);
      if (saved.showSandbox !== wasShown) await showSandbox(saved.showSandbox);
      return saved;
    },

    on(event, listener) {
      return (listeners[event] as Listeners<[Parameters<typeof listener>[0]]>).add(listener);
    },

    async close() {
      await Promise.allSettled([...entries.values()].map((e) => e.link?.close()));
      await sandbox?.close();
    },
  };
}

const REMOVAL_CODES: Record<RemovalErrorCode, ServiceError['code']> = {
  gone: 'contactGone',
  changed: 'contactChanged',
  exists: 'contactChanged',
  alreadyRestored: 'contactChanged',
  notApplied: 'protocol',
  notFound: 'notFound',
};

/** Run a bridge operation, turning its AmiError into the ServiceFailure the front ends understand. */
async function asServiceCall<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof ServiceFailure) throw err;
    if (err instanceof AmiError) throw new ServiceFailure(serviceErrorOf(err).code, err.message);
    if (err instanceof RemovalError) throw new ServiceFailure(REMOVAL_CODES[err.code], err.message);
    throw new ServiceFailure('internal', (err as Error).message);
  }
}
