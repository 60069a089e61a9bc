// FreePBX through the real bridge: the Sandbox PBX on the FreePBX-style lab
// (resources/sandbox-freepbx: pjsip.conf as FreePBX's includes, extensions N with auth N-auth,
// Max Contacts 2 written as remove_existing=no), sipp phones, and RegDesk's AMI session.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PbxSession } from '../../../src-main/ami/session';
import { endpointDetail } from '../../../src-main/core/endpoint-view';
import { FREEPBX_SANDBOX_CONFIG, startSandbox, type Sandbox } from '../../../src-main/sandbox/host';
import { requireTool } from '../../support/require-tool';
import { registerPhone } from '../../support/sip-phone';

let sandbox: Sandbox | null = null;
let session: PbxSession | null = null;
let dirs: string[] = [];
afterEach(async () => {
  await session?.close();
  await sandbox?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  sandbox = session = null;
  dirs = [];
});

const register = (s: Sandbox, user: string) => registerPhone({ server: s.pbx.sipAddress, user, password: `pw-${user}`, expires: 3600 });

async function liveAs(s: Sandbox, username: string, secret: string): Promise<PbxSession> {
  session = PbxSession.start({ host: '127.0.0.1', port: s.ami.port, username, secret, retry: false, securityProbeMs: 1_000 });
  await session.whenLive(10_000);
  return session;
}

describe.runIf(requireTool('sipp', 'sip-tester'))('a FreePBX-generated configuration', () => {
  it('is detected, and its full extension gets the pjsip.aor_custom_post.conf advice', async () => {
    sandbox = await startSandbox({ configDir: FREEPBX_SANDBOX_CONFIG, asteriskVersion: '20' });
    expect((await register(sandbox, '1001')).status).toBe(200);
    expect((await register(sandbox, '1001')).status).toBe(200);
    expect((await register(sandbox, '1001')).status).toBe(403);
    const s = await liveAs(sandbox, 'regdesk', 'regdesk-sandbox');
    const state = s.state()!;
    expect(state.facts()).toEqual({ asteriskVersion: '20.20.1', versionSupport: 'supported', freepbx: true });
    const [aor] = endpointDetail(state, '1001', [], 0, Date.now()).aors;
    expect(aor?.diagnosis.atLimit).toBe(true);
    expect(aor?.diagnosis.advice?.freepbxConf).toBe('; /etc/asterisk/pjsip.aor_custom_post.conf\n[1001](+)\nremove_existing=yes');
    expect(endpointDetail(state, '1002', [], 0, Date.now()).aors[0]?.diagnosis.advice).toBeNull();
  });

  it('adds remove_unavailable for a qualified extension on a version that has it', async () => {
    sandbox = await startSandbox({ configDir: FREEPBX_SANDBOX_CONFIG, asteriskVersion: '18' });
    for (let i = 0; i < 3; i++) expect((await register(sandbox, '1003')).status).toBe(200);
    const s = await liveAs(sandbox, 'regdesk', 'regdesk-sandbox');
    expect(s.state()!.facts()).toMatchObject({ asteriskVersion: '18.26.4', freepbx: true });
    const advice = endpointDetail(s.state()!, '1003', [], 0, Date.now()).aors[0]?.diagnosis.advice;
    expect(advice?.freepbxConf).toBe('; /etc/asterisk/pjsip.aor_custom_post.conf\n[1003](+)\nremove_existing=yes\nremove_unavailable=yes');
    expect(advice?.omitted).toEqual([]);
  });

  it('is not detected on the Asterisk lab configuration', async () => {
    sandbox = await startSandbox({});
    const s = await liveAs(sandbox, 'regdesk', 'regdesk-sandbox');
    expect(s.state()!.facts().freepbx).toBe(false);
  });

  it("lets FreePBX's own AMI user in but it never reads security events (refusals)", async () => {
    sandbox = await startSandbox({ configDir: FREEPBX_SANDBOX_CONFIG });
    const s = await liveAs(sandbox, 'admin', 'amp111');
    expect(s.state()!.facts().freepbx).toBe(true);
    await new Promise<void>((resolve) => {
      if (s.status().readsSecurityEvents === false) return resolve();
      s.onStatus((st) => st.readsSecurityEvents === false && resolve());
    });
    expect(s.status().readsSecurityEvents).toBe(false);
  });

  it('stops refusing once the advised lines are in pjsip.aor_custom_post.conf (after Apply Config)', async () => {
    sandbox = await startSandbox({ configDir: FREEPBX_SANDBOX_CONFIG });
    expect((await register(sandbox, '1001')).status).toBe(200);
    expect((await register(sandbox, '1001')).status).toBe(200);
    const s = await liveAs(sandbox, 'regdesk', 'regdesk-sandbox');
    const advice = endpointDetail(s.state()!, '1001', [], 0, Date.now()).aors[0]!.diagnosis.advice!.freepbxConf!;
    await s.close();
    session = null;
    await sandbox.close();

    // The admin's edit, then Apply Config (here: the sandbox restarted on the edited files).
    const dir = mkdtempSync(join(tmpdir(), 'regdesk-freepbx-'));
    dirs.push(dir);
    cpSync(FREEPBX_SANDBOX_CONFIG, dir, { recursive: true });
    const custom = join(dir, 'pjsip.aor_custom_post.conf');
    writeFileSync(custom, `${readFileSync(custom, 'utf8')}\n${advice}\n`);
    sandbox = await startSandbox({ configDir: dir });
    expect(sandbox.config.warnings).toEqual([]);
    expect(sandbox.config.aors.find((a) => a.name === '1001')).toMatchObject({ maxContacts: 2, removeExisting: true });
    expect((await register(sandbox, '1001')).status).toBe(200);
    expect((await register(sandbox, '1001')).status).toBe(200);
    expect((await register(sandbox, '1001')).status).toBe(200);
    expect(sandbox.pbx.contacts().filter((c) => c.aor === '1001')).toHaveLength(2);
  });
});
