// What every front end (Electron app, browser mode, CLI) gets from the main-process services.
// The ipc/ contract exposes exactly these operations to the renderer, one declaration each.
import { SSH_ERROR_CODES } from '../ami/errors';
import type { EndpointDetail, EndpointRow, HistoryEvent, PbxFacts, SourceAddress } from '../core/types';
import type { BatchProgress, BatchRecord, IncidentPlan, IncidentView } from './incident-types';

export type PbxId = string;

/** Connection state of one PBX, as the sidebar and tray show it. */
export type ConnectionState = 'connecting' | 'syncing' | 'live' | 'stale' | 'failed' | 'disconnected';

/** The codes the UI translates; a value array so that main can check them at run time. */
export const SERVICE_ERROR_CODES = [
  'authFailed',
  'unreachable',
  'refused',
  'timeout',
  'protocol',
  'permission',
  'contactGone',
  'contactChanged',
  'notFound',
  'invalidArgument',
  'noKeystore',
  /** The RegDesk passphrase entered does not open the vault; nothing was changed. */
  'wrongPassphrase',
  'storage',
  'internal',
  /** AMI over TLS: the certificate is not verified by the system CAs and none is pinned. */
  'tlsUntrusted',
  /** AMI over TLS: the certificate is not the pinned one (renewed, or someone in between). */
  'tlsMismatch',
  /** Through SSH: each way it fails (ami/errors.ts). */
  ...SSH_ERROR_CODES,
] as const;

/** An error that crosses to the renderer: a stable code the UI translates, and an English message for logs. */
export interface ServiceError {
  code: (typeof SERVICE_ERROR_CODES)[number];
  message: string;
  /** tlsUntrusted / tlsMismatch: the SHA-256 fingerprint the PBX presented (`AB:CD:...`), to compare and pin. */
  tlsFingerprint?: string;
  /** permission: the AMI action Asterisk denied and the manager.conf `write` classes that allow it (any one). */
  denied?: { action: string; writeClasses: string[] };
  /** sshHostKeyUnknown / sshHostKeyChanged: the host key the SSH server presented, to compare and pin. */
  sshHostKey?: { fingerprint: string; keyType: string };
}

/** How a profile reaches AMI through SSH. host/port of the profile are then the AMI address as
 *  the SSH server sees it (usually 127.0.0.1:5038). No secret in here: an SSH password or key
 *  passphrase travels separately, like the AMI secret, and never comes back. */
export interface PbxSshProfile {
  host: string;
  port: number;
  username: string;
  /** The user's SSH agent (SSH_AUTH_SOCK; Pageant on Windows), a private key file, or a password. */
  auth: 'agent' | 'key' | 'password';
  /** auth 'key': the OpenSSH private key file, by path (never copied). */
  keyFile: string | null;
  /** The pinned host key, `SHA256:...` as `ssh-keygen -lf` prints it; null: ~/.ssh/known_hosts decides. */
  hostKeyFingerprint: string | null;
}

export interface PbxSummary {
  id: PbxId;
  name: string;
  kind: 'sandbox' | 'asterisk';
  host: string;
  port: number;
  username: string;
  tls: boolean;
  /** The pinned SHA-256 fingerprint of the PBX's TLS certificate; null: the system CAs decide. */
  tlsFingerprint?: string | null;
  /** Through SSH; null or absent: AMI directly. */
  ssh?: PbxSshProfile | null;
  state: ConnectionState;
  error: ServiceError | null;
  /** Endpoints at their limit or with stale contacts, plus unacknowledged refusals: the sidebar badge. */
  warnings: number;
  /** False when the AMI user cannot read `security` events: refusals (FailedACL) would never arrive. */
  readsSecurityEvents: boolean | null;
  /** Its Asterisk version (CoreSettings) and whether FreePBX generated its config; null until the first sync. */
  facts?: PbxFacts | null;
  /** The Sandbox PBX only: where phones register (SIP over UDP). */
  sipAddress?: { address: string; port: number };
}

/** A PBX profile as the admin enters it. The secret travels separately and never comes back. */
export interface PbxProfileInput {
  name: string;
  host: string;
  port: number;
  username: string;
  tls: boolean;
  /**
   * Trust on first use: the SHA-256 fingerprint of the one TLS certificate to accept (Asterisk's is
   * usually self-signed), in any form openssl prints it; null or omitted: the system CAs decide.
   */
  tlsFingerprint?: string | null;
  /** Connect through SSH; null or omitted: AMI directly. */
  ssh?: PbxSshProfile | null;
}

/** Endpoint-table changes, pushed instead of full copies. */
export interface EndpointRowsDiff {
  pbxId: PbxId;
  upserted: EndpointRow[];
  removed: string[];
}

/** A refused REGISTER worth telling the admin about (after the alert policy's rate limit). */
export interface RefusalAlert {
  pbxId: PbxId;
  pbxName: string;
  endpoint: string;
  aor: string | null;
  source: SourceAddress | null;
  maxContacts: number | null;
  /** Refusals of this endpoint folded into this alert since the previous one. */
  count: number;
  /** The contact the diagnosis would remove first, to select when the alert is clicked. */
  staleCandidate: string | null;
  at: number;
}

export interface RemovalResult {
  auditId: string;
  contactId: string;
}

export interface DialStrings {
  /** Computed from RegDesk's state by the rules of PJSIP_DIAL_CONTACTS. */
  computed: string;
  /** What Asterisk itself answered to Getvar PJSIP_DIAL_CONTACTS(endpoint); null if it could not be asked. */
  asterisk: string | null;
  /** Why Asterisk could not be asked (e.g. the AMI user may not run Getvar); null when it answered. */
  asteriskError: ServiceError | null;
}

export interface HistoryQuery {
  endpoint: string | null;
  /** Epoch ms; null: as far back as kept. */
  since: number | null;
  limit: number | null;
}

export interface Settings {
  language: 'system' | 'en' | 'ja';
  theme: 'system' | 'light' | 'dark';
  startAtLogin: boolean;
  /** List the built-in Sandbox PBX (and keep it connected); false hides it. */
  showSandbox: boolean;
}

/**
 * How AMI secrets are kept: `keystore` (the OS's), `passphrase` (sealed on disk with the
 * admin's RegDesk passphrase; `locked` until it is entered in this run), or `memory` (no
 * keystore and no passphrase: kept until RegDesk stops).
 */
export interface SecretsStatus {
  store: 'keystore' | 'passphrase' | 'memory';
  locked: boolean;
  /** Whether a RegDesk passphrase can be set here (browser mode; not the desktop app). */
  passphraseAvailable: boolean;
}

/** Events pushed from main to every front end. */
export interface ServiceEvents {
  pbxChanged: PbxSummary;
  pbxRemoved: { pbxId: PbxId };
  endpointRows: EndpointRowsDiff;
  /** The named endpoint's detail changed (contacts, diagnosis, history): re-fetch if it is open. */
  endpointChanged: { pbxId: PbxId; endpoint: string };
  refusalAlert: RefusalAlert;
  /** Incident mode: a batch started, moved on, or ended (state other than 'running'). */
  batchProgress: BatchProgress;
}

export interface RegDeskServices {
  listPbxs(): Promise<PbxSummary[]>;
  /** `sshSecret`: the SSH password (auth 'password') or the key's passphrase (auth 'key'), if any. */
  addPbx(profile: PbxProfileInput, secret: string, sshSecret?: string | null): Promise<PbxSummary>;
  /** A null secret or sshSecret keeps the stored one (an SSH one only while the SSH auth and key file stay). */
  updatePbx(pbxId: PbxId, profile: PbxProfileInput, secret: string | null, sshSecret?: string | null): Promise<PbxSummary>;
  removePbx(pbxId: PbxId): Promise<void>;
  connectPbx(pbxId: PbxId): Promise<void>;
  disconnectPbx(pbxId: PbxId): Promise<void>;
  listEndpoints(pbxId: PbxId): Promise<EndpointRow[]>;
  getEndpoint(pbxId: PbxId, endpoint: string): Promise<EndpointDetail>;
  removeContact(pbxId: PbxId, contactId: string, expectedUri: string): Promise<RemovalResult>;
  restoreContact(pbxId: PbxId, auditId: string): Promise<void>;
  dialStrings(pbxId: PbxId, endpoint: string): Promise<DialStrings>;
  /** The PBX's history, newest first: one endpoint's (or every one's with null), since a time, at most `limit`. */
  getHistory(pbxId: PbxId, query: HistoryQuery): Promise<HistoryEvent[]>;
  secretsStatus(): Promise<SecretsStatus>;
  /** Without a keystore: seal secrets on disk with this passphrase from now on (and those kept in memory). */
  setPassphrase(passphrase: string): Promise<SecretsStatus>;
  /** Enter the passphrase once per start; the PBXs whose secrets it opens connect. */
  unlockSecrets(passphrase: string): Promise<SecretsStatus>;
  // Incident mode (issue 13): the banner, the plan, one batch at a time per PBX, its Undo.
  getIncident(pbxId: PbxId): Promise<IncidentView>;
  planIncident(pbxId: PbxId, options: { allStale: boolean; endpoints: string[] }): Promise<IncidentPlan>;
  /** Starts removing the chosen contacts of the plan; resolves once started (progress is pushed). */
  startRemovalBatch(pbxId: PbxId, contactIds: string[], rate: number | null): Promise<BatchProgress>;
  cancelBatch(pbxId: PbxId, batchId: string): Promise<void>;
  /** "Restore all": resolves with the restore batch's summary. */
  restoreBatch(pbxId: PbxId, batchId: string): Promise<BatchProgress>;
  listBatches(): Promise<BatchRecord[]>;
  getSettings(): Promise<Settings>;
  setSettings(settings: Settings): Promise<Settings>;
  on<K extends keyof ServiceEvents>(event: K, listener: (payload: ServiceEvents[K]) => void): () => void;
  close(): Promise<void>;
}

/** Rejections of RegDeskServices operations are ServiceFailure: code and message cross IPC. */
export class ServiceFailure extends Error implements ServiceError {
  constructor(
    readonly code: ServiceError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'ServiceFailure';
  }
}

/**
 * How PBX secrets are kept at rest. The Electron shell provides one backed by safeStorage
 * (OS keychain); plain-Node front ends without a keystore keep secrets in memory only.
 */
export interface SecretStore {
  /** False when no OS keystore is usable: the UI must ask before storing anything. */
  isAvailable(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}
