// Incident mode in the window (issue 13): the banner of the selected PBX, the review list with
// its selection, the running batch's progress and the last batch's summary. The plan, the
// banner figures and the explanation arrive computed from main; this holds what the admin chose.
import type { RegDeskApi } from '../../src-main/ipc/contract';
import type { ServiceError } from '../../src-main/services/api';
import { attemptShowingError } from './app.svelte';
import { MAX_BATCH_RATE, type BatchProgress, type IncidentExplanation, type IncidentPlan, type IncidentView } from '../../src-main/services/incident-types';

/** The banner is re-read at most this often while rows change (a batch changes hundreds a minute). */
const VIEW_REFRESH_MS = 1_000;

export type ReviewStep = 'list' | 'confirm' | 'running' | 'summary';

export class IncidentState {
  view = $state.raw<IncidentView | null>(null);
  reviewing = $state(false);
  step = $state<ReviewStep>('list');
  plan = $state.raw<IncidentPlan | null>(null);
  allStale = $state(false);
  /** Contact ids the admin left out of the plan (everything is selected by default). */
  excluded = $state.raw<ReadonlySet<string>>(new Set());
  progress = $state.raw<BatchProgress | null>(null);
  /** The last removal batch that ended, for "Restore all". */
  finished = $state.raw<BatchProgress | null>(null);
  restoreSummary = $state.raw<BatchProgress | null>(null);
  error = $state.raw<ServiceError | null>(null);
  /** Removals per second the admin chose for the next batch; null: the services' default. */
  rate = $state<number | null>(null);
  /** The fix, as the incident stood when the review opened: the batch empties the live one. */
  explanation = $state.raw<IncidentExplanation | null>(null);

  readonly selectedCount = $derived(this.plan ? this.plan.contacts - [...this.excluded].filter((id) => this.planIds.has(id)).length : 0);
  private readonly planIds = $derived(new Set(this.plan?.groups.flatMap((g) => g.contacts.map((c) => c.contactId)) ?? []));
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly api: RegDeskApi,
    private readonly pbxId: () => string | null,
  ) {}

  start(): () => void {
    const offs = [
      this.api.on('endpointRows', (diff) => {
        if (diff.pbxId === this.pbxId()) this.scheduleRefresh();
      }),
      this.api.on('batchProgress', (p) => this.onProgress(p)),
    ];
    void this.refresh();
    return () => {
      offs.forEach((off) => off());
      if (this.timer) clearTimeout(this.timer);
    };
  }

  /** The selected PBX changed. */
  reset(): void {
    this.view = null;
    this.closeReview();
    this.finished = null;
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const pbxId = this.pbxId();
    if (pbxId === null) return;
    try {
      const view = await this.api.getIncident(pbxId);
      if (this.pbxId() === pbxId) this.view = view;
    } catch {
      // Not read yet or not connected: no banner.
      this.view = null;
    }
  }

  async openReview(): Promise<void> {
    this.reviewing = true;
    this.step = this.progress?.state === 'running' ? 'running' : 'list';
    this.excluded = new Set();
    if (this.step === 'list') this.explanation = this.view?.summary.explanation ?? null;
    await this.loadPlan();
  }

  closeReview(): void {
    this.reviewing = false;
    this.step = 'list';
    this.plan = null;
    this.restoreSummary = null;
  }

  async setAllStale(on: boolean): Promise<void> {
    this.allStale = on;
    await this.loadPlan();
  }

  isSelected(contactId: string): boolean {
    return !this.excluded.has(contactId);
  }

  toggleContact(contactId: string, on: boolean): void {
    const next = new Set(this.excluded);
    if (on) next.delete(contactId);
    else next.add(contactId);
    this.excluded = next;
  }

  toggleEndpoint(endpoint: string, on: boolean): void {
    const group = this.plan?.groups.find((g) => g.endpoint === endpoint);
    if (!group) return;
    const next = new Set(this.excluded);
    for (const c of group.contacts) {
      if (on) next.delete(c.contactId);
      else next.add(c.contactId);
    }
    this.excluded = next;
  }

  selectAll(on: boolean): void {
    this.excluded = on ? new Set() : new Set(this.planIds);
  }

  askRun(): void {
    if (this.selectedCount > 0) this.step = 'confirm';
  }

  backToList(): void {
    this.step = 'list';
  }

  async run(): Promise<void> {
    const pbxId = this.pbxId();
    if (pbxId === null || !this.plan) return;
    const ids = [...this.planIds].filter((id) => !this.excluded.has(id));
    this.step = 'running';
    const rate = this.rate !== null && this.rate >= 0.1 && this.rate <= MAX_BATCH_RATE ? this.rate : null;
    const started = await this.attempt(() => this.api.startRemovalBatch(pbxId, ids, rate));
    if (!started) this.step = 'list';
    else if (!this.progress || this.progress.batchId !== started.batchId) this.progress = started;
  }

  async cancel(): Promise<void> {
    const p = this.progress;
    if (p && p.state === 'running') await this.attempt(() => this.api.cancelBatch(p.pbxId, p.batchId));
  }

  async restoreAll(): Promise<void> {
    const b = this.finished;
    if (!b) return;
    this.step = 'running';
    const summary = await this.attempt(() => this.api.restoreBatch(b.pbxId, b.batchId));
    this.restoreSummary = summary ?? null;
    this.step = 'summary';
    await this.refresh();
  }

  private onProgress(p: BatchProgress): void {
    if (p.pbxId !== this.pbxId()) return;
    this.progress = p;
    if (p.state !== 'running' && p.kind === 'remove') {
      this.finished = p;
      if (this.reviewing) this.step = 'summary';
      void this.refresh();
    }
  }

  private async loadPlan(): Promise<void> {
    const pbxId = this.pbxId();
    if (pbxId === null) return;
    const plan = await this.attempt(() => this.api.planIncident(pbxId, { allStale: this.allStale, endpoints: [] }));
    if (plan) this.plan = plan;
  }

  private scheduleRefresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, VIEW_REFRESH_MS);
  }

  private attempt<T>(operation: () => Promise<T>): Promise<T | undefined> {
    return attemptShowingError(operation, (error) => (this.error = error));
  }
}
