// Issue 13's proof through the services, at a size given by REGDESK_INCIDENT_SIZE (50 in
// npm test; 200 is the full proof): a reboot wave on a Sandbox PBX with real sipp phones, the
// incident banner, the plan, a cancelled batch and its undo, then one batch that removes every
// refused phone's leftover while a few old bindings turn out alive (skipped, never deleted),
// the refused phones admitted on their next retry (sipp's 200 OK and the Sandbox's own AstDB),
// and "Restore all" that brings back what is free and refuses what a phone re-took.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactId } from '../../../src-main/core/contact-id';
import type { RegDeskServices, SecretStore } from '../../../src-main/services/api';
import { createServices } from '../../../src-main/services/create';
import type { BatchProgress } from '../../../src-main/services/incident-types';
import { parallel, rebootWave, type RebootWave } from '../../support/reboot-wave';
import { requireTool } from '../../support/require-tool';

const SIZE = Number(process.env.REGDESK_INCIDENT_SIZE ?? 50);
const FAMILY = 'registrar/contact';
const secrets: SecretStore = { isAvailable: () => true, encrypt: (p) => Buffer.from(p), decrypt: (s) => s.toString() };

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface AuditLine {
  type: string;
  id: string;
  batchId?: string;
  outcome?: string;
  contactId?: string;
  storedValue?: string;
}

describe.runIf(requireTool('sipp', 'sip-tester'))(`incident batch on ${SIZE} endpoints after a reboot wave`, () => {
  let wave: RebootWave;
  let services: RegDeskServices;
  let dataDir: string;
  let pbxId: string;
  const progress: BatchProgress[] = [];
  const auditLines = () => readFileSync(join(dataDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditLine);
  const deskKey = (p: RebootWave['phones'][number]) => contactId(p.endpoint, p.desk.contactUri);
  const lastOf = (batchId: string) => progress.filter((p) => p.batchId === batchId).at(-1);

  beforeAll(async () => {
    wave = await rebootWave(SIZE);
    dataDir = mkdtempSync(join(tmpdir(), 'regdesk-incident-'));
    services = await createServices({ dataDir, secrets, sandbox: false });
    services.on('batchProgress', (p) => progress.push(p));
    const { login } = wave.sandbox;
    pbxId = (await services.addPbx({ name: 'After the power cut', host: login.host, port: login.port, username: login.username, tls: false }, login.secret)).id;
    await until('the PBX live with every endpoint', async () => (await services.listEndpoints(pbxId)).length === SIZE);
    // The refused phones retry (every 30 to 60 s in real life): RegDesk sees each refusal.
    const retried = await parallel(wave.phones, (p) => wave.retry(p));
    expect(retried.map((r) => r.status)).toEqual(wave.phones.map(() => 403));
  }, 180_000);

  afterAll(async () => {
    await services?.close();
    await wave?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows one incident: every endpoint refusing its phone, one stale contact holding each slot', async () => {
    const view = await until('every refusal counted', async () => {
      const v = await services.getIncident(pbxId);
      return v.summary.blockedEndpoints === SIZE ? v : null;
    });
    expect(view.summary).toMatchObject({ active: true, blockedEndpoints: SIZE, staleContacts: SIZE });
    expect(view.summary.refusalsPerMinute).toBeGreaterThanOrEqual(SIZE / 2);
    expect(view.summary.explanation.rebooting).toHaveLength(SIZE);
    expect(view.summary.explanation.freepbxCustomPost).toContain(`[${wave.phones[0]!.endpoint}](+)\nremove_existing=yes`);
    expect(view.running).toBeNull();
  });

  it("plans exactly each refused desk phone's old binding, never a softphone", async () => {
    const plan = await services.planIncident(pbxId, { allStale: false, endpoints: [] });
    expect(plan.contacts).toBe(SIZE);
    const planned = plan.groups.flatMap((g) => g.contacts);
    expect(new Set(planned.map((c) => c.contactId))).toEqual(new Set(wave.phones.map(deskKey)));
    for (const c of planned) expect(c).toMatchObject({ reason: 'leftoverOfRefusedPhone', aorAtLimit: true, refusedNow: true });
    const only = await services.planIncident(pbxId, { allStale: false, endpoints: [wave.phones[1]!.endpoint] });
    expect(only.groups.map((g) => g.endpoint)).toEqual([wave.phones[1]!.endpoint]);
  });

  it('cancels a batch in the middle with every audit intent given its outcome, and undoes it exactly', async () => {
    const ids = wave.phones.slice(0, 10).map(deskKey);
    const started = await services.startRemovalBatch(pbxId, ids, 5);
    expect(started).toMatchObject({ state: 'running', total: 10, rate: 5 });
    await until('three removals', () => (lastOf(started.batchId)?.done ?? 0) >= 3);
    await services.cancelBatch(pbxId, started.batchId);
    const end = await until('the batch cancelled', () => (lastOf(started.batchId)?.state === 'cancelled' ? lastOf(started.batchId) : null));
    expect(end.done).toBeGreaterThanOrEqual(3);
    expect(end.done).toBeLessThan(10);
    const lines = auditLines();
    const intents = lines.filter((l) => l.type === 'intent' && l.batchId === started.batchId);
    const outcomes = new Set(lines.filter((l) => l.type === 'outcome').map((l) => l.id));
    expect(intents).toHaveLength(end.done + end.failed);
    expect(intents.every((i) => outcomes.has(i.id))).toBe(true);
    expect(lines.find((l) => l.type === 'batchEnd' && l.id === started.batchId)).toMatchObject({ state: 'cancelled', done: end.done, notTried: 10 - end.done - end.skipped - end.failed });
    const removed = intents.map((i) => i.contactId!);
    for (const id of removed) expect(wave.sandbox.pbx.astdb.get(FAMILY, id)).toBeUndefined();

    const restored = await services.restoreBatch(pbxId, started.batchId);
    expect(restored).toMatchObject({ kind: 'restore', state: 'finished', done: removed.length, skipped: 0, failed: 0 });
    for (const i of intents) expect(wave.sandbox.pbx.astdb.get(FAMILY, i.contactId!)).toBe(i.storedValue);
  });

  it('removes every leftover in one batch, skips the old bindings that re-register meanwhile, and admits every refused phone on its retry', async () => {
    const view = await until('the plan whole again', async () => ((await services.getIncident(pbxId)).summary.staleContacts === SIZE ? true : null));
    expect(view).toBe(true);
    const plan = await services.planIncident(pbxId, { allStale: false, endpoints: [] });
    const ids = plan.groups.flatMap((g) => g.contacts.map((c) => c.contactId));
    const alive = wave.phones.slice(-3);
    const started = await services.startRemovalBatch(pbxId, ids, null);
    expect(started).toMatchObject({ total: SIZE, rate: 20 });
    await until('a few removals', () => (lastOf(started.batchId)?.done ?? 0) >= 2);
    // Three old desk bindings turn out alive: they refresh before the batch reaches them.
    for (const r of await Promise.all(alive.map((p) => wave.refreshOld(p)))) expect(r.status).toBe(200);
    const end = await until('the batch finished', () => (lastOf(started.batchId)?.state === 'finished' ? lastOf(started.batchId) : null), 60_000);
    expect(end).toMatchObject({ done: SIZE - 3, skipped: 3, failed: 0 });
    expect(end.problems.map((p) => [p.contactId, p.reason])).toEqual(alive.map((p) => [deskKey(p), 'changed']));
    // The achieved rate stays close to the configured 20/s (paced on absolute times).
    const seconds = (end.endedAt! - end.startedAt) / 1000;
    expect(SIZE / seconds).toBeGreaterThan(20 * 0.8);
    expect(SIZE / seconds).toBeLessThan(20 * 1.1);
    for (const p of wave.phones) expect(wave.sandbox.pbx.astdb.get(FAMILY, deskKey(p)) !== undefined).toBe(alive.includes(p));

    // Half of the refused phones retry now: admitted (sipp's 200 OK, the Sandbox's own AstDB).
    const removedPhones = wave.phones.filter((p) => !alive.includes(p));
    const retrying = removedPhones.slice(0, Math.floor(removedPhones.length / 2));
    const answers = await parallel(retrying, (p) => wave.retry(p));
    expect(answers.map((a) => a.status)).toEqual(retrying.map(() => 200));
    for (const p of retrying) expect(wave.sandbox.pbx.astdb.get(FAMILY, contactId(p.endpoint, p.rebooted.contactUri))).toBeDefined();
    for (const r of await parallel(alive, (p) => wave.retry(p))) expect(r.status).toBe(403);

    // Restore all: the phones that re-took their slot keep it; the others get the old binding back.
    await until('the state to see the admitted phones', async () => (await services.planIncident(pbxId, { allStale: true, endpoints: retrying.map((p) => p.endpoint) })).contacts === 0);
    const restored = await services.restoreBatch(pbxId, started.batchId);
    const notRetried = removedPhones.slice(retrying.length);
    expect(restored).toMatchObject({ state: 'finished', done: notRetried.length, skipped: retrying.length, failed: 0 });
    expect(new Set(restored.problems.map((p) => p.reason))).toEqual(new Set(['slotTaken']));
    const removals = new Map(auditLines().filter((l) => l.type === 'intent' && l.batchId === started.batchId).map((l) => [l.contactId!, l.storedValue!]));
    for (const p of notRetried) expect(wave.sandbox.pbx.astdb.get(FAMILY, deskKey(p))).toBe(removals.get(deskKey(p)));
    for (const p of retrying) expect(wave.sandbox.pbx.astdb.get(FAMILY, deskKey(p))).toBeUndefined();

    const batches = await services.listBatches();
    expect(batches.map((b) => [b.kind, b.state])).toEqual([['restore', 'finished'], ['remove', 'finished'], ['restore', 'finished'], ['remove', 'cancelled']]);
  }, 120_000);

  // Last: it takes the PBX's AMI down for good.
  it('stops the batch when the AMI session drops, the audit never claiming an outcome it did not see', async () => {
    // Endpoints whose old binding Restore all put back (their phones did not retry): stale again.
    const phones = wave.phones.slice(-12, -3);
    const restoredBack = await services.planIncident(pbxId, { allStale: true, endpoints: phones.map((p) => p.endpoint) });
    const ids = restoredBack.groups.flatMap((g) => g.contacts.map((c) => c.contactId));
    expect(ids.length).toBeGreaterThan(2);
    const started = await services.startRemovalBatch(pbxId, ids, 5);
    await until('two removals', () => (lastOf(started.batchId)?.done ?? 0) >= 2);
    await wave.sandbox.ami.close();
    const end = await until('the batch stopped', () => (lastOf(started.batchId)?.state === 'stopped' ? lastOf(started.batchId) : null));
    expect(end.error).toMatch(/not live|disconnected|closed/i);
    expect(end.done).toBeLessThan(ids.length);
    const lines = auditLines();
    expect(lines.find((l) => l.type === 'batchEnd' && l.id === started.batchId)).toMatchObject({ state: 'stopped', done: end.done });
    const intents = lines.filter((l) => l.type === 'intent' && l.batchId === started.batchId);
    const outcomes = new Set(lines.filter((l) => l.type === 'outcome').map((l) => l.id));
    // At most the one in flight when the connection died is left pending (it may or may not have happened).
    expect(intents.filter((i) => !outcomes.has(i.id)).length).toBeLessThanOrEqual(1);
    expect(intents.length).toBeGreaterThanOrEqual(end.done);
  });
});
