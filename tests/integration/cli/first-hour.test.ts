// What a newcomer hits in the first hour with `npm run cli` (issue 14, items 8-13), each run as
// a real process: usage errors, the sandbox demo, unknown endpoints, watch naming every contact
// and showing other RegDesk processes' removals, a second restore, a denied AMI action.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { registerPhone } from '../../support/sip-phone';
import { requireTool } from '../../support/require-tool';
import { runCli as cli } from '../../support/run-cli';

/** Every line a failed run wrote on stderr, except the usage that follows a usage error. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter(Boolean).slice(0, stderr.includes('usage: regdesk') ? 1 : undefined);
}

describe('regdesk CLI usage', () => {
  it('exits 1 with the usage on stderr when no command is given, 0 with it on stdout for --help', async () => {
    const none = await cli([], {});
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^regdesk: no command given\nusage: regdesk/);
    const help = await cli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: regdesk/);
    expect(help.stderr).toBe('');
  });

  it('starts every error line with regdesk:', async () => {
    for (const args of [['frobnicate'], ['status', '--demo'], ['status', '--port', 'x'], ['remove', '--sandbox']]) {
      const r = await cli(args, {});
      expect(r.code, args.join(' ')).toBe(1);
      for (const line of errorLines(r.stderr)) expect(line, args.join(' ')).toMatch(/^regdesk: /);
    }
  });
});

describe('regdesk CLI on the built-in sandbox', () => {
  let dataDir: string;
  beforeAll(() => void (dataDir = mkdtempSync(join(tmpdir(), 'regdesk-cli-sandbox-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('status --sandbox --demo shows demo phones, an endpoint AT LIMIT and a STALE contact', async () => {
    const r = await cli(['status', '--sandbox', '--demo'], { REGDESK_DATA_DIR: dataDir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^phone1 {2}2\/2 {2}\[AT LIMIT\]/m);
    expect(r.stdout).toMatch(/^ {2}phone1;@[0-9a-f]{32} .* STALE: same device registered again/m);
    expect(r.stdout).toMatch(/Yealink SIP-T54W/);
  });

  it('watch --sandbox prints where phones and AMI clients reach it', async () => {
    const r = await cli(['watch', '--sandbox', '--for', '1'], { REGDESK_DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-- Sandbox PBX: SIP udp 127\.0\.0\.1:\d+ \(register as <endpoint>@127\.0\.0\.1:\d+, password pw-<endpoint>\), AMI tcp 127\.0\.0\.1:\d+$/m);
  });

  it('watch --sandbox --demo shows the demo phones registering, each line naming its contact', async () => {
    const r = await cli(['watch', '--sandbox', '--demo', '--for', '2'], { REGDESK_DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d {2}201 +registered sip:201@127\.0\.0\.1:\d+;rinstance=[0-9a-f]+$/m);
  });
});

describe.runIf(requireTool('sipp', 'sip-tester'))('regdesk CLI against a Sandbox PBX with sipp phones', () => {
  let sandbox: SandboxHost;
  let env: Record<string, string>;
  let dataDir: string;
  const phone = (user: string, extra: { expires?: number } = {}) =>
    registerPhone({ server: sandbox.pbx.sipAddress, user, password: `pw-${user}`, expires: 3600, ...extra });

  beforeAll(async () => {
    sandbox = await startSandboxHost();
    dataDir = mkdtempSync(join(tmpdir(), 'regdesk-cli-first-'));
    env = {
      REGDESK_AMI_HOST: sandbox.login.host,
      REGDESK_AMI_PORT: String(sandbox.login.port),
      REGDESK_AMI_USER: sandbox.login.username,
      REGDESK_AMI_SECRET: sandbox.login.secret,
      REGDESK_DATA_DIR: dataDir,
    };
    expect((await phone('phone1')).status).toBe(200);
    expect((await phone('phone1')).status).toBe(200);
  });

  afterAll(async () => {
    await sandbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('dial of an unknown endpoint exits 1 with "no endpoint"', async () => {
    const r = await cli(['dial', 'nosuch'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('regdesk: no endpoint nosuch\n');
    expect(r.stdout).toBe('');
  });

  it('restore of a removal already restored says when it was restored', async () => {
    const status = (JSON.parse((await cli(['status', '--json'], env)).stdout) as { endpoints: Array<{ row: { endpoint: string }; aors: Array<{ contacts: Array<{ id: string }> }> }> }).endpoints;
    const id = status.find((d) => d.row.endpoint === 'phone1')!.aors[0]!.contacts[0]!.id;
    const { auditId } = JSON.parse((await cli(['remove', id, '--json'], env)).stdout) as { auditId: string };
    expect((await cli(['restore', auditId], env)).code).toBe(0);
    const again = await cli(['restore', auditId], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^regdesk: not restored: removal ${auditId} was already restored at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z`));
    expect(again.stderr).not.toMatch(/overwrite/);
  });

  it('watch names the contact that left, and shows removals and restores made by another regdesk', async () => {
    let started!: () => void;
    const watching = new Promise<void>((resolve) => (started = resolve));
    const run = cli(['watch', '--for', '12'], env, (chunk) => chunk.includes('-- watching') && started());
    await watching;
    // phone2: max_contacts 1, remove_existing yes: the second phone pushes the first one out.
    const first = await phone('phone2');
    expect(first.status).toBe(200);
    expect((await phone('phone2')).status).toBe(200);
    const status = (JSON.parse((await cli(['status', '--json'], env)).stdout) as { endpoints: Array<{ row: { endpoint: string }; aors: Array<{ contacts: Array<{ id: string; uri: string }> }> }> }).endpoints;
    const victim = status.find((d) => d.row.endpoint === 'phone1')!.aors[0]!.contacts[0]!;
    const removed = await cli(['remove', victim.id, '--json'], env);
    const { auditId } = JSON.parse(removed.stdout) as { auditId: string };
    expect((await cli(['restore', auditId], env)).code).toBe(0);
    const r = await run;
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`phone2 +unregistered ${escape(first.contactUri)}$`)));
    for (const line of lines.filter((l) => /registered|unreachable|reachable/.test(l))) expect(line).toMatch(/ sip:/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`phone1 +removed by RegDesk ${escape(victim.uri)} \\(${escape(victim.id)}; audit ${auditId}`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`phone1 +restored by RegDesk ${escape(victim.uri)} \\(${escape(victim.id)}`)));
  });

  it('names the denied action and the write class it needs when the AMI user may not run Getvar', async () => {
    // labsec has write = system,command: PJSIPShow* and DBGet run, Getvar (call or reporting) does not.
    const r = await cli(['dial', 'phone1'], { ...env, REGDESK_AMI_USER: 'labsec', REGDESK_AMI_SECRET: 'labsec-secret' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('regdesk: Asterisk denied Getvar to this AMI user (Permission denied); in manager.conf give the user write = call or reporting\n');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
