// A small in-test RegDeskServices: it records the calls that reach it and lets a test emit
// events, so the transport tests check the transport (validation, errors, events), not services.
import type { BatchProgress } from '../../../src-main/services/incident-types';
import { ServiceFailure, type PbxSummary, type RegDeskServices, type ServiceEvents } from '../../../src-main/services/api';

export const samplePbx: PbxSummary = {
  id: 'sandbox',
  name: 'Sandbox PBX',
  kind: 'sandbox',
  host: '127.0.0.1',
  port: 5038,
  username: 'regdesk',
  tls: false,
  state: 'live',
  error: null,
  warnings: 0,
  readsSecurityEvents: true,
};

const sampleBatch: BatchProgress = {
  pbxId: 'sandbox', batchId: 'b-1', kind: 'remove', state: 'running', total: 1, done: 0, skipped: 0, failed: 0,
  rate: 20, etaMs: 50, startedAt: 0, endedAt: null, problems: [], error: null,
};

type Listener = (payload: never) => void;

export class RecordingServices implements RegDeskServices {
  readonly calls: Array<{ operation: string; args: unknown[] }> = [];
  private readonly listeners = new Map<string, Set<Listener>>();

  private record(operation: string, args: unknown[]): void {
    this.calls.push({ operation, args });
  }

  emit<K extends keyof ServiceEvents>(event: K, payload: ServiceEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: ServiceEvents[K]) => void)(payload);
  }

  listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }

  on<K extends keyof ServiceEvents>(event: K, listener: (payload: ServiceEvents[K]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener);
  }

  async listPbxs() {
    this.record('listPbxs', []);
    return [samplePbx];
  }
  async addPbx(...args: Parameters<RegDeskServices['addPbx']>) {
    this.record('addPbx', args);
    return { ...samplePbx, id: 'pbx-1', kind: 'asterisk' as const, ...args[0] };
  }
  async updatePbx(...args: Parameters<RegDeskServices['updatePbx']>) {
    this.record('updatePbx', args);
    return { ...samplePbx, id: args[0], ...args[1] };
  }
  async removePbx(...args: Parameters<RegDeskServices['removePbx']>) {
    this.record('removePbx', args);
  }
  async connectPbx(...args: Parameters<RegDeskServices['connectPbx']>) {
    this.record('connectPbx', args);
    if (args[0] !== samplePbx.id) throw new ServiceFailure('notFound', `no PBX ${args[0]}`);
  }
  async disconnectPbx(...args: Parameters<RegDeskServices['disconnectPbx']>) {
    this.record('disconnectPbx', args);
  }
  async listEndpoints(...args: Parameters<RegDeskServices['listEndpoints']>) {
    this.record('listEndpoints', args);
    return [];
  }
  async getEndpoint(...args: Parameters<RegDeskServices['getEndpoint']>): ReturnType<RegDeskServices['getEndpoint']> {
    this.record('getEndpoint', args);
    throw new ServiceFailure('notFound', `no endpoint ${args[1]}`);
  }
  async removeContact(...args: Parameters<RegDeskServices['removeContact']>) {
    this.record('removeContact', args);
    if (args[2] !== 'sip:phone1@127.0.0.1:5061') throw new ServiceFailure('contactChanged', 'the contact re-registered');
    return { auditId: 'audit-1', contactId: args[1] };
  }
  async restoreContact(...args: Parameters<RegDeskServices['restoreContact']>) {
    this.record('restoreContact', args);
  }
  async dialStrings(...args: Parameters<RegDeskServices['dialStrings']>) {
    this.record('dialStrings', args);
    return { computed: 'PJSIP/phone1/sip:phone1@127.0.0.1:5061', asterisk: null, asteriskError: null };
  }
  async getHistory(...args: Parameters<RegDeskServices['getHistory']>) {
    this.record('getHistory', args);
    return [];
  }
  async secretsStatus() {
    this.record('secretsStatus', []);
    return { store: 'memory' as const, locked: false, passphraseAvailable: true };
  }
  async setPassphrase(...args: Parameters<RegDeskServices['setPassphrase']>) {
    this.record('setPassphrase', args);
    return { store: 'passphrase' as const, locked: false, passphraseAvailable: true };
  }
  async unlockSecrets(...args: Parameters<RegDeskServices['unlockSecrets']>) {
    this.record('unlockSecrets', args);
    return { store: 'passphrase' as const, locked: false, passphraseAvailable: true };
  }
  async getIncident(...args: Parameters<RegDeskServices['getIncident']>): ReturnType<RegDeskServices['getIncident']> {
    this.record('getIncident', args);
    const explanation = { rebooting: [], aors: [], pjsipConf: '', freepbxCustomPost: '' };
    return { pbxId: args[0], summary: { active: false, blockedEndpoints: 0, staleContacts: 0, refusalsPerMinute: 0, explanation }, running: null, defaultRate: 20 };
  }
  async planIncident(...args: Parameters<RegDeskServices['planIncident']>) {
    this.record('planIncident', args);
    return { at: 0, allStale: args[1].allStale, groups: [], contacts: 0, notBlocking: 0 };
  }
  async startRemovalBatch(...args: Parameters<RegDeskServices['startRemovalBatch']>) {
    this.record('startRemovalBatch', args);
    return sampleBatch;
  }
  async cancelBatch(...args: Parameters<RegDeskServices['cancelBatch']>) {
    this.record('cancelBatch', args);
  }
  async restoreBatch(...args: Parameters<RegDeskServices['restoreBatch']>) {
    this.record('restoreBatch', args);
    return { ...sampleBatch, kind: 'restore' as const, state: 'finished' as const };
  }
  async listBatches() {
    this.record('listBatches', []);
    return [];
  }
  async getSettings() {
    this.record('getSettings', []);
    return { language: 'system' as const, theme: 'system' as const, startAtLogin: false, showSandbox: true };
  }
  async setSettings(...args: Parameters<RegDeskServices['setSettings']>) {
    this.record('setSettings', args);
    return args[0];
  }
  async close() {
    this.record('close', []);
  }
}
