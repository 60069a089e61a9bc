// regdesk serve under a real Prometheus (Debian's `prometheus`): serve watches two Sandbox PBXs,
// sipp phones fill phone1 on one of them and a third is refused; Prometheus, scraping every
// second, answers increase() of the refusals above 0 for that endpoint only, and
// regdesk_aor_contacts equal to the Sandbox's own count.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { startPrometheus, type Prometheus } from '../../support/prometheus';
import { requireTool } from '../../support/require-tool';
import { startServe, until, type ServeProcess } from '../../support/serve-process';
import { registerPhone, unregisterPhone } from '../../support/sip-phone';

const tools = requireTool('prometheus', 'prometheus') && requireTool('sipp', 'sip-tester');

describe.runIf(tools)('regdesk serve scraped by Prometheus', () => {
  let dir: string;
  let east: SandboxHost;
  let west: SandboxHost;
  let serve: ServeProcess;
  let prometheus: Prometheus;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regdesk-serve-prom-'));
    [east, west] = await Promise.all([startSandboxHost({}), startSandboxHost({})]);
    writeFileSync(join(dir, 'east.secret'), `${east.login.secret}\n`, { mode: 0o600 });
    writeFileSync(
      join(dir, 'serve.yml'),
      [
        'pbxs:',
        `  - { name: east, host: 127.0.0.1, port: ${east.login.port}, user: ${east.login.username}, secret_file: east.secret }`,
        `  - { name: west, host: 127.0.0.1, port: ${west.login.port}, user: ${west.login.username}, secret_env: WEST_AMI_SECRET }`,
        '',
      ].join('\n'),
    );
    serve = startServe(['--config', join(dir, 'serve.yml'), '--listen', '127.0.0.1:0'], { WEST_AMI_SECRET: west.login.secret });
    const base = await serve.base();
    await until('/readyz', async () => (await fetch(`${base}/readyz`)).ok, 20_000);
    prometheus = await startPrometheus([base.replace('http://', '')]);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await serve?.stop();
    await Promise.all([east?.close(), west?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const value = async (expr: string) => (await prometheus.query(expr))[0]?.value;

  it('shows both PBXs up, with their Asterisk version and endpoints', async () => {
    await until('both PBXs up in Prometheus', async () => (await value('sum(regdesk_pbx_up)')) === 2, 20_000);
    const info = await prometheus.query('regdesk_pbx_info');
    expect(info.map((r) => [r.metric.pbx, r.metric.asterisk_version]).sort()).toEqual([['east', '22.10.1'], ['west', '22.10.1']]);
    expect(await value('regdesk_endpoints{pbx="east"}')).toBe(east.pbx.endpoints().length);
  });

  it('counts a refused REGISTER for that endpoint, and regdesk_aor_contacts is the Sandbox own count', async () => {
    const sip = east.pbx.sipAddress;
    const phone = () => registerPhone({ server: sip, user: 'phone1', password: 'pw-phone1', expires: 3600 });
    expect((await phone()).status).toBe(200);
    expect((await phone()).status).toBe(200);
    expect((await phone()).status).toBe(403);

    // increase() needs two samples of the series: 0 (first scrape after the refusal), then 1.
    const increase = await until(
      'increase(regdesk_registration_refusals_total[1m]) > 0 for east/phone1',
      async () => {
        const v = await value('increase(regdesk_registration_refusals_total{pbx="east",endpoint="phone1"}[1m])');
        return v !== undefined && v > 0 ? v : null;
      },
      30_000,
      500,
    );
    expect(increase).toBeGreaterThan(0);
    // Nothing was refused on the other PBX, nor for another endpoint.
    const refused = await prometheus.query('regdesk_registration_refusals_total');
    expect(refused.map((r) => `${r.metric.pbx}/${r.metric.endpoint}`)).toEqual(['east/phone1']);

    const sandboxCount = east.pbx.contacts().filter((c) => c.aor === 'phone1').length;
    expect(sandboxCount).toBe(2);
    await until('regdesk_aor_contacts of east/phone1', async () => (await value('regdesk_aor_contacts{pbx="east",aor="phone1"}')) === sandboxCount, 20_000);
    expect(await value('regdesk_aor_max_contacts{pbx="east",aor="phone1"}')).toBe(2);
    expect(await value('regdesk_aors_at_limit{pbx="east"}')).toBe(1);
    // The default rule: only the AOR needing attention has series of its own.
    expect((await prometheus.query('regdesk_aor_contacts')).map((r) => `${r.metric.pbx}/${r.metric.aor}`)).toEqual(['east/phone1']);
    expect(await value('sum(regdesk_contacts{pbx="east"})')).toBe(east.pbx.contacts().length);
  }, 60_000);

  it('follows phone1 unregistering: no AOR at its limit, no contact, and phone1 still exported for its refusal within the hour', async () => {
    expect((await unregisterPhone({ server: east.pbx.sipAddress, user: 'phone1', password: 'pw-phone1', all: true })).status).toBe(200);
    expect(east.pbx.contacts().filter((c) => c.aor === 'phone1')).toEqual([]);
    await until('east with no contact and no AOR at its limit', async () => (await value('regdesk_aors_at_limit{pbx="east"}')) === 0 && (await value('sum(regdesk_contacts{pbx="east"})')) === 0, 20_000);
    expect(await value('regdesk_aor_contacts{pbx="east",aor="phone1"}')).toBe(0);
    expect(await value('regdesk_stale_contacts{pbx="east"}')).toBe(0);
  }, 40_000);
});
