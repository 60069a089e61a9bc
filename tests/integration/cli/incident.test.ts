// `regdesk remove --stale`, `restore --batch` and `audit` as an admin runs them: the real CLI
// process against a Sandbox PBX after a reboot wave of real sipp phones (REGDESK_INCIDENT_SIZE
// endpoints, 50 by default). The refused phones keep retrying while the CLI listens, as they do
// every 30 to 60 s in real life: a refused phone's leftover is known only from its refusal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactId } from '../../../src-main/core/contact-id';
import type { IncidentPlan } from '../../../src-main/services/incident-types';
import { parallel, rebootWave, type RebootWave, type WavePhone } from '../../support/reboot-wave';
import { requireTool } from '../../support/require-tool';
import { runCli, type CliRun } from '../../support/run-cli';

const SIZE = Number(process.env.REGDESK_INCIDENT_SIZE ?? 50);
const FAMILY = 'registrar/contact';

describe.runIf(requireTool('sipp', 'sip-tester'))(`regdesk remove --stale on ${SIZE} refused endpoints`, () => {
  let wave: RebootWave;
  let dir: string;
  let env: Record<string, string>;
  const deskKey = (p: WavePhone) => contactId(p.endpoint, p.desk.contactUri);

  /** Run the CLI while the refused phones of `phones` retry, until `stopWhen` shows on stdout (or it exits). */
  async function whileRetrying(args: string[], phones: WavePhone[], stopWhen: RegExp | null = null, onStop?: () => Promise<void>): Promise<CliRun> {
    let retrying = true;
    let seen = '';
    let stopped: Promise<void> = Promise.resolve();
    const run = runCli([...args, '--audit-log', join(dir, 'audit.jsonl')], env, (chunk) => {
      seen += chunk;
      if (retrying && stopWhen?.test(seen)) {
        retrying = false;
        stopped = onStop?.() ?? Promise.resolve();
      }
    }).finally(() => (retrying = false));
    const retries = (async () => {
      while (retrying) await parallel(phones, async (p) => (retrying ? wave.retry(p) : null));
    })();
    const r = await run;
    await retries;
    await stopped;
    return r;
  }

  beforeAll(async () => {
    wave = await rebootWave(SIZE);
    dir = mkdtempSync(join(tmpdir(), 'regdesk-cli-incident-'));
    const { login } = wave.sandbox;
    env = { REGDESK_AMI_HOST: login.host, REGDESK_AMI_PORT: String(login.port), REGDESK_AMI_USER: login.username, REGDESK_AMI_SECRET: login.secret, REGDESK_DATA_DIR: dir };
  }, 180_000);

  afterAll(async () => {
    await wave?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run prints the plan: each refused desk phone\'s old binding, grouped per endpoint, nothing removed', async () => {
    const r = await whileRetrying(['remove', '--stale', '--dry-run', '--listen', '3'], wave.phones);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`plan for 127\\.0\\.0\\.1:\\d+: ${SIZE} stale contacts on ${SIZE} endpoints`));
    for (const p of wave.phones) expect(r.stdout).toContain(`  ${deskKey(p)}`);
    expect(r.stdout).toMatch(/AT LIMIT, REFUSED +left over by the phone refused from 127\.0\.1\.1:\d+ \(same address, new port\)/);
    expect(r.stdout).not.toContain('127.0.2.1');
    for (const p of wave.phones) expect(wave.sandbox.pbx.astdb.get(FAMILY, deskKey(p))).toBeDefined();
  });

  it('--json --endpoint keeps to the endpoints named', async () => {
    const two = wave.phones.slice(0, 2);
    const r = await whileRetrying(['remove', '--stale', '--json', '--listen', '3', '--endpoint', two[0]!.endpoint, '--endpoint', two[1]!.endpoint], two);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as IncidentPlan;
    expect(plan.groups.map((g) => [g.endpoint, g.contacts.map((c) => c.contactId)])).toEqual(two.map((p) => [p.endpoint, [deskKey(p)]]));
  });

  it('exits 1 when removals fail (Asterisk answers DBDel but still holds the key), the audit giving each intent its outcome', async () => {
    const some = wave.phones.slice(0, 3);
    const astdb = wave.sandbox.pbx.astdb;
    const del = astdb.del.bind(astdb);
    const stuck = new Set(some.map(deskKey));
    astdb.del = (family, key) => (stuck.has(key) ? true : del(family, key));
    let r: CliRun;
    try {
      r = await whileRetrying(['remove', '--stale', '--yes', '--listen', '3', ...some.flatMap((p) => ['--endpoint', p.endpoint])], some);
    } finally {
      astdb.del = del;
    }
    expect(r.code).toBe(1);
    expect(r.stdout.match(/FAILED {2}\S+;@\S+: Asterisk still holds/g)).toHaveLength(3);
    expect(r.stdout).toMatch(/0 removed, 0 skipped, 3 failed of 3/);
    for (const p of some) expect(wave.sandbox.pbx.astdb.get(FAMILY, deskKey(p))).toBeDefined();
    const audit = await runCli(['audit', '--json', '--audit-log', join(dir, 'audit.jsonl')], env);
    expect((JSON.parse(audit.stdout) as Array<{ outcome: string }>).map((e) => e.outcome)).toEqual(['failed', 'failed', 'failed']);
  });

  it('--yes removes the plan with a line per contact, skips an old binding that re-registers, exits 0; the phones get in; restore --batch undoes what is free', async () => {
    const alive = wave.phones.at(-1)!;
    const r = await whileRetrying(['remove', '--stale', '--yes', '--listen', '3', '--rate', '25'], wave.phones, /^removing \d+ stale contacts/m, async () => {
      expect((await wave.refreshOld(alive)).status).toBe(200);
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^removing ${SIZE} stale contacts from 127\\.0\\.0\\.1:\\d+ at 25/s$`, 'm'));
    expect(r.stdout.match(/^\[ *\d+\/\d+\] ok {6}/gm)).toHaveLength(SIZE - 1);
    expect(r.stdout).toMatch(new RegExp(`skipped ${deskKey(alive).replace(/[;@]/g, '.')}: .*registered again`));
    const summary = new RegExp(`^batch ([0-9a-f-]{36}): ${SIZE - 1} removed, 1 skipped, 0 failed of ${SIZE} in [\\d.]+ s; undo: regdesk restore --batch ([0-9a-f-]{36})$`, 'm').exec(r.stdout);
    expect(summary).not.toBeNull();
    const batchId = summary![1]!;
    expect(wave.sandbox.pbx.astdb.get(FAMILY, deskKey(alive))).toBeDefined();

    // Half of the refused phones try again: admitted (sipp's 200 OK).
    const removed = wave.phones.filter((p) => p !== alive);
    const retrying = removed.slice(0, Math.floor(removed.length / 2));
    expect((await parallel(retrying, (p) => wave.retry(p))).map((a) => a.status)).toEqual(retrying.map(() => 200));

    const restore = await runCli(['restore', '--batch', batchId, '--audit-log', join(dir, 'audit.jsonl')], env);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(new RegExp(`: ${removed.length - retrying.length} restored, ${retrying.length} skipped, 0 failed of ${removed.length}`));
    for (const p of retrying) expect(wave.sandbox.pbx.astdb.get(FAMILY, deskKey(p))).toBeUndefined();
    for (const p of removed.slice(retrying.length)) expect(wave.sandbox.pbx.astdb.get(FAMILY, deskKey(p))).toBeDefined();

    const audit = await runCli(['audit', '--batches', '--audit-log', join(dir, 'audit.jsonl')], env);
    expect(audit.code).toBe(0);
    const lines = audit.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`batch ${batchId}  removeBatch  finished +\\S+  ${SIZE - 1} done, 1 skipped, 0 failed, 0 not tried of ${SIZE}`));
    expect(lines[2]).toMatch(new RegExp(`restoreBatch finished .*\\(undoes ${batchId}\\)`));
  }, 60_000);

  it('refuses an unknown batch and a contradictory --yes --dry-run', async () => {
    const unknown = await runCli(['restore', '--batch', 'no-such-batch', '--audit-log', join(dir, 'audit.jsonl')], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/no removal batch no-such-batch/);
    const both = await runCli(['remove', '--stale', '--yes', '--dry-run'], env);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/contradict/);
  });
});
