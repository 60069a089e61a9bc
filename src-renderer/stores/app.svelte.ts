// The renderer's shared state. It holds what main pushed and what the admin chose; every
// decision (diagnosis, stale marks, what-if, advice) arrives computed from main.
import type { Contact, EndpointDetail, EndpointRow } from '../../src-main/core/types';
import type { RegDeskApi } from '../../src-main/ipc/contract';
import {
  ServiceFailure,
  type DialStrings,
  type PbxProfileInput,
  type PbxSummary,
  type RefusalAlert,
  type SecretsStatus,
  type ServiceError,
  type Settings,
} from '../../src-main/services/api';
import { locale } from '../i18n/i18n.svelte';
import { RowFilter, searchIndex } from '../lib/search';
import { sortRows, type SortKey, type SortOrder } from '../lib/table';

export interface UndoOffer {
  pbxId: string;
  auditId: string;
  uri: string;
}

export type Notice = { kind: 'removed'; undo: UndoOffer } | { kind: 'restored'; uri: string };

export interface PbxForm {
  editing: PbxSummary | null;
}

/** Runs an operation; its failure goes to `show` (null once one succeeds) instead of being thrown. */
export async function attemptShowingError<T>(operation: () => Promise<T>, show: (error: ServiceError | null) => void): Promise<T | undefined> {
  try {
    const result = await operation();
    show(null);
    return result;
  } catch (error) {
    show(asServiceError(error));
    return undefined;
  }
}

function asServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceFailure) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

export class AppState {
  pbxs = $state<PbxSummary[]>([]);
  selectedPbxId = $state<string | null>(null);
  /** Rows of the selected PBX by endpoint name; replaced (not mutated) on every diff. */
  rows = $state.raw<Map<string, EndpointRow>>(new Map());
  filter = $state('');
  sort = $state<SortOrder>({ key: 'endpoint', descending: false });
  cursor = $state(0);
  openEndpoint = $state<string | null>(null);
  detail = $state.raw<EndpointDetail | null>(null);
  dial = $state.raw<DialStrings | null>(null);
  selectedContactId = $state<string | null>(null);
  confirming = $state.raw<Contact | null>(null);
  alerts = $state<RefusalAlert[]>([]);
  notice = $state.raw<Notice | null>(null);
  error = $state.raw<ServiceError | null>(null);
  form = $state.raw<PbxForm | null>(null);
  settings = $state<Settings>({ language: 'system', theme: 'system', startAtLogin: false, showSandbox: true });
  /** How AMI secrets are kept; `locked`: the RegDesk passphrase must be entered this run. */
  secrets = $state.raw<SecretsStatus>({ store: 'keystore', locked: false, passphraseAvailable: false });
  /** The last failed passphrase operation (wrong passphrase, too short), shown by its form. */
  secretsError = $state.raw<ServiceError | null>(null);
  /** PBX ids whose missing `security` read permission the admin has acknowledged. */
  acknowledgedSecurity = $state<string[]>([]);
  transportLost = $state(false);
  /** Wall clock in ms, ticked by the app so countdowns re-render. */
  now = $state(Date.now());

  readonly selectedPbx = $derived(this.pbxs.find((p) => p.id === this.selectedPbxId) ?? null);
  /** Sorted and indexed once per change of rows or order; typing in the filter only filters. */
  private readonly tableIndex = $derived(searchIndex(sortRows([...this.rows.values()], this.sort)));
  private readonly rowFilter = new RowFilter();
  readonly visibleRows = $derived(this.rowFilter.apply(this.tableIndex, this.filter));
  readonly securityWarning = $derived(
    this.pbxs.find((p) => p.readsSecurityEvents === false && !this.acknowledgedSecurity.includes(p.id)) ?? null,
  );

  /** `desktop`: inside the Electron shell (tray, login item); false in browser mode. */
  constructor(
    private readonly api: RegDeskApi,
    readonly desktop: boolean,
  ) {}

  /** Loads the initial state and subscribes to pushed diffs; returns the unsubscribe function. */
  async start(): Promise<() => void> {
    const unsubscribers = [
      this.api.on('pbxChanged', (pbx) => this.upsertPbx(pbx)),
      this.api.on('pbxRemoved', ({ pbxId }) => this.removePbxLocally(pbxId)),
      this.api.on('endpointRows', (diff) => {
        if (diff.pbxId !== this.selectedPbxId) return;
        const rows = new Map(this.rows);
        for (const name of diff.removed) rows.delete(name);
        for (const row of diff.upserted) rows.set(row.endpoint, row);
        this.rows = rows;
      }),
      this.api.on('endpointChanged', ({ pbxId, endpoint }) => {
        if (pbxId === this.selectedPbxId && endpoint === this.openEndpoint) void this.refreshDetail();
      }),
      this.api.on('refusalAlert', (alert) => {
        this.alerts = [alert, ...this.alerts.filter((a) => !(a.pbxId === alert.pbxId && a.endpoint === alert.endpoint))];
      }),
      this.api.on('focusEndpoint', ({ pbxId, endpoint, contactId }) => void this.showEndpoint(pbxId, endpoint, contactId)),
    ];
    this.settings = await this.api.getSettings();
    locale.choice = this.settings.language;
    this.secrets = await this.api.secretsStatus();
    this.pbxs = await this.api.listPbxs();
    const first = this.pbxs[0];
    // A notification click may have opened an endpoint meanwhile (a fresh window): keep it.
    if (first && this.selectedPbxId === null) await this.selectPbx(first.id);
    return () => unsubscribers.forEach((off) => off());
  }

  private upsertPbx(pbx: PbxSummary): void {
    const index = this.pbxs.findIndex((p) => p.id === pbx.id);
    if (index !== -1) this.pbxs[index] = pbx;
    else {
      // Real PBXs come first and the Sandbox last, as listPbxs orders them.
      const sandboxAt = this.pbxs.findIndex((p) => p.kind === 'sandbox');
      if (pbx.kind === 'sandbox' || sandboxAt === -1) this.pbxs.push(pbx);
      else this.pbxs.splice(sandboxAt, 0, pbx);
    }
  }

  private removePbxLocally(pbxId: string): void {
    this.pbxs = this.pbxs.filter((p) => p.id !== pbxId);
    if (this.selectedPbxId === pbxId) void this.selectPbx(this.pbxs[0]?.id ?? null);
  }

  /** Runs an operation, showing its failure in words instead of throwing. */
  private attempt<T>(operation: () => Promise<T>): Promise<T | undefined> {
    return attemptShowingError(operation, (error) => (this.error = error));
  }

  async selectPbx(pbxId: string | null): Promise<void> {
    this.selectedPbxId = pbxId;
    this.closeEndpoint();
    this.rows = new Map();
    this.cursor = 0;
    if (pbxId === null) return;
    const rows = await this.attempt(() => this.api.listEndpoints(pbxId));
    if (rows && this.selectedPbxId === pbxId) this.rows = new Map(rows.map((row) => [row.endpoint, row]));
  }

  connect(pbxId: string): Promise<void | undefined> {
    return this.attempt(() => this.api.connectPbx(pbxId));
  }

  disconnect(pbxId: string): Promise<void | undefined> {
    return this.attempt(() => this.api.disconnectPbx(pbxId));
  }

  async removePbx(pbxId: string): Promise<void> {
    await this.attempt(() => this.api.removePbx(pbxId));
  }

  setFilter(query: string): void {
    this.filter = query;
    this.cursor = 0;
  }

  sortBy(key: SortKey): void {
    this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : false };
  }

  moveCursor(delta: number): void {
    const last = this.visibleRows.length - 1;
    this.cursor = Math.max(0, Math.min(last, this.cursor + delta));
  }

  async openAtCursor(): Promise<void> {
    const row = this.visibleRows[this.cursor];
    if (row && this.selectedPbxId) await this.showEndpoint(this.selectedPbxId, row.endpoint, null);
  }

  async showEndpoint(pbxId: string, endpoint: string, contactId: string | null): Promise<void> {
    if (pbxId !== this.selectedPbxId) await this.selectPbx(pbxId);
    this.openEndpoint = endpoint;
    this.selectedContactId = contactId;
    const index = this.visibleRows.findIndex((row) => row.endpoint === endpoint);
    if (index !== -1) this.cursor = index;
    await this.refreshDetail();
  }

  closeEndpoint(): void {
    this.openEndpoint = null;
    this.detail = null;
    this.dial = null;
    this.selectedContactId = null;
  }

  async refreshDetail(): Promise<void> {
    const pbxId = this.selectedPbxId;
    const endpoint = this.openEndpoint;
    if (pbxId === null || endpoint === null) return;
    const [detail, dial] = await Promise.all([
      this.attempt(() => this.api.getEndpoint(pbxId, endpoint)),
      this.api.dialStrings(pbxId, endpoint).catch(() => null),
    ]);
    if (this.openEndpoint !== endpoint || this.selectedPbxId !== pbxId) return;
    this.detail = detail ?? null;
    this.dial = dial;
  }

  selectContact(contactId: string): void {
    this.selectedContactId = contactId;
  }

  askRemove(contact: Contact): void {
    this.confirming = contact;
  }

  cancelRemove(): void {
    this.confirming = null;
  }

  async confirmRemove(): Promise<void> {
    const contact = this.confirming;
    const pbxId = this.selectedPbxId;
    this.confirming = null;
    if (contact === null || pbxId === null) return;
    const removal = await this.attempt(() => this.api.removeContact(pbxId, contact.id, contact.uri));
    if (removal) this.notice = { kind: 'removed', undo: { pbxId, auditId: removal.auditId, uri: contact.uri } };
    await this.refreshDetail();
  }

  async undo(offer: UndoOffer): Promise<void> {
    const restored = await this.attempt(async () => {
      await this.api.restoreContact(offer.pbxId, offer.auditId);
      return true;
    });
    this.notice = restored ? { kind: 'restored', uri: offer.uri } : null;
    await this.refreshDetail();
  }

  dismissNotice(): void {
    this.notice = null;
  }

  dismissAlert(alert: RefusalAlert): void {
    this.alerts = this.alerts.filter((a) => a !== alert);
  }

  async openAlert(alert: RefusalAlert): Promise<void> {
    this.dismissAlert(alert);
    await this.showEndpoint(alert.pbxId, alert.endpoint, alert.staleCandidate);
  }

  acknowledgeSecurity(pbxId: string): void {
    this.acknowledgedSecurity.push(pbxId);
  }

  /** Enter the RegDesk passphrase; true when it opened the vault (its PBXs then connect). */
  unlockSecrets(passphrase: string): Promise<boolean> {
    return this.changeSecrets(() => this.api.unlockSecrets(passphrase));
  }

  /** Seal secrets with a new RegDesk passphrase from now on. */
  setPassphrase(passphrase: string): Promise<boolean> {
    return this.changeSecrets(() => this.api.setPassphrase(passphrase));
  }

  private async changeSecrets(operation: () => Promise<SecretsStatus>): Promise<boolean> {
    try {
      this.secrets = await operation();
      this.secretsError = null;
      return true;
    } catch (error) {
      this.secretsError = asServiceError(error);
      return false;
    }
  }

  async saveSettings(change: Partial<Settings>): Promise<void> {
    const saved = await this.attempt(() => this.api.setSettings({ ...this.settings, ...change }));
    if (saved) {
      this.settings = saved;
      locale.choice = saved.language;
    }
  }

  openForm(editing: PbxSummary | null): void {
    this.form = { editing };
  }

  closeForm(): void {
    this.form = null;
  }

  /** Saves the form; an empty secret when editing keeps the stored one. */
  /** `sshSecret`: the SSH password or key passphrase typed in the form, null when none was. */
  async submitForm(profile: PbxProfileInput, secret: string, sshSecret: string | null = null): Promise<boolean> {
    const editing = this.form?.editing ?? null;
    const saved = await this.attempt(() =>
      editing ? this.api.updatePbx(editing.id, profile, secret === '' ? null : secret, sshSecret) : this.api.addPbx(profile, secret, sshSecret),
    );
    if (!saved) return false;
    this.upsertPbx(saved);
    this.form = null;
    await this.selectPbx(saved.id);
    return true;
  }
}
