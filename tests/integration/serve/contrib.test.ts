// What contrib/ ships for regdesk serve: the Prometheus alerting rules pass `promtool check rules`
// and their own `promtool test rules`; the rules and the Grafana dashboard use only metric names
// serve exports; the systemd unit is valid and hardened (systemd-analyze, offline).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fleet } from '../../../src-main/serve/fleet';
import { FleetMetrics } from '../../../src-main/serve/metrics';
import { requireTool } from '../../support/require-tool';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const RULES = join(ROOT, 'contrib', 'prometheus', 'regdesk-alerts.yml');
const RULES_TEST = join(ROOT, 'tests', 'fixtures', 'prometheus', 'regdesk-alerts.test.yml');
const DASHBOARD = join(ROOT, 'contrib', 'grafana', 'regdesk-fleet.json');
const UNIT = join(ROOT, 'contrib', 'systemd', 'regdesk.service');

function run(cmd: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const exported = new FleetMetrics(new Fleet(), () => false).registry.getMetricsAsArray().map((m) => m.name);
const namesIn = (text: string) => new Set([...text.matchAll(/\b(regdesk_[a-z_]+)/g)].map((m) => m[1]!));

describe.runIf(requireTool('promtool', 'prometheus'))('the shipped Prometheus alerting rules', () => {
  it('pass promtool check rules', () => {
    const r = run('promtool', ['check', 'rules', RULES]);
    expect(r.output).toContain('SUCCESS: 4 rules found');
    expect(r.status).toBe(0);
  });

  it('pass their promtool test rules (AOR full with a stale contact for 5 min, phones refused, PBX down)', () => {
    const r = run('promtool', ['test', 'rules', RULES_TEST]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('make promtool test rules fail when a rule no longer fires as tested', () => {
    // The test is not vacuous: the same test against rules with "for: 5m" doubled fails.
    const dir = mkdtempSync(join(tmpdir(), 'regdesk-rules-'));
    try {
      writeFileSync(join(dir, 'regdesk-alerts.yml'), readFileSync(RULES, 'utf8').replaceAll('for: 5m', 'for: 10m'));
      writeFileSync(join(dir, 'test.yml'), readFileSync(RULES_TEST, 'utf8').replace('../../../contrib/prometheus/regdesk-alerts.yml', 'regdesk-alerts.yml'));
      const r = run('promtool', ['test', 'rules', join(dir, 'test.yml')]);
      expect(r.output).toContain('FAILED');
      expect(r.status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the rules and the dashboard', () => {
  it('use only metric names regdesk serve exports', () => {
    expect(exported).toEqual(expect.arrayContaining(['regdesk_pbx_up', 'regdesk_registration_refusals_total', 'regdesk_aor_contacts']));
    const rules = namesIn(readFileSync(RULES, 'utf8'));
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }>; templating: unknown };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs.length).toBeGreaterThan(10);
    const used = namesIn([...exprs, JSON.stringify(dashboard.templating)].join('\n'));
    for (const name of [...rules, ...used]) expect(exported, `${name} is not exported by regdesk serve`).toContain(name);
    // The dashboard shows the fleet and each PBX: both rows are there, the per-PBX one repeated by $pbx.
    expect(JSON.stringify(dashboard)).toContain('"repeat":"pbx"');
  });
});

describe.runIf(requireTool('systemd-analyze', 'systemd'))('the systemd unit', () => {
  it('is valid and hardened: DynamicUser, ProtectSystem=strict, secrets through LoadCredential, exposure below 2.0', () => {
    const text = readFileSync(UNIT, 'utf8');
    for (const line of ['DynamicUser=yes', 'ProtectSystem=strict', 'NoNewPrivileges=yes', 'ExecReload=/bin/kill -HUP $MAINPID']) expect(text).toContain(line);
    expect(text).toMatch(/^LoadCredential=tokyo-1:/m);
    expect(text).not.toMatch(/^Environment=.*SECRET/m);
    // verify checks that ExecStart's program exists: a copy runs /bin/true instead of regdesk.
    const dir = mkdtempSync(join(tmpdir(), 'regdesk-unit-'));
    try {
      const copy = join(dir, 'regdesk.service');
      writeFileSync(copy, text.replace(/^ExecStart=\S+/m, 'ExecStart=/bin/true'));
      const verify = run('systemd-analyze', ['verify', copy]);
      expect(verify.output).not.toMatch(/Unknown|ignoring|Invalid/);
      expect(verify.status).toBe(0);
      // Threshold in tenths: 20 = an exposure level of 2.0 ("OK"; a plain unit is about 9.6).
      const security = run('systemd-analyze', ['security', '--offline=yes', '--threshold=20', copy]);
      expect(security.output).toMatch(/Overall exposure level for regdesk\.service: 1\.\d/);
      expect(security.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
