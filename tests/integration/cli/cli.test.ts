// The regdesk CLI as an admin runs it: a real process, talking AMI to a Sandbox PBX that
// real sipp phones registered to. Exit codes: 0 ok, 1 refused, 2 connection/auth error.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { registerPhone } from '../../support/sip-phone';
import { requireTool } from '../../support/require-tool';
import { runCli as cli } from '../../support/run-cli';


describe.runIf(requireTool('sipp', 'sip-tester'))('regdesk CLI', () => {
  let sandbox: SandboxHost;
  let env: Record<string, string>;
  let auditDir: string;
  const phone = (user: string, extra: { localPort?: number } = {}) =>
    registerPhone({ server: sandbox.pbx.sipAddress, user, password: `pw-${user}`, expires: 3600, ...extra });

  beforeAll(async () => {
    sandbox = await startSandboxHost();
    auditDir = mkdtempSync(join(tmpdir(), 'regdesk-cli-'));
    env = {
      REGDESK_AMI_HOST: sandbox.login.host,
      REGDESK_AMI_PORT: String(sandbox.login.port),
      REGDESK_AMI_USER: sandbox.login.username,
      REGDESK_AMI_SECRET: sandbox.login.secret,
      REGDESK_DATA_DIR: auditDir,
    };
    expect((await phone('phone1')).status).toBe(200);
    expect((await phone('phone1')).status).toBe(200);
  });

  afterAll(async () => {
    await sandbox?.close();
    rmSync(auditDir, { recursive: true, force: true });
  });

  it('status --json names the Asterisk version and lists phone1 with its two contacts at the limit', async () => {
    const r = await cli(['status', '--json'], env);
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout) as { asteriskVersion: string; versionSupport: string; freepbx: boolean; endpoints: Array<{ row: { endpoint: string; contacts: number; atLimit: boolean } }> };
    expect(status).toMatchObject({ asteriskVersion: '22.10.1', versionSupport: 'supported', freepbx: false });
    const phone1 = status.endpoints.find((d) => d.row.endpoint === 'phone1');
    expect(phone1?.row).toMatchObject({ contacts: 2, atLimit: true });
  });

  it('status prints the Asterisk version, then a table with the contacts and the AT LIMIT flag', async () => {
    const r = await cli(['status'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^127\.0\.0\.1:\d+: Asterisk 22\.10\.1$/);
    expect(r.stdout).toMatch(/^phone1 {2}2\/2 {2}\[AT LIMIT\]/m);
    expect(r.stdout).toMatch(/phone1;@[0-9a-f]{32} +Grandstream GXP2170 1\.0\.11\.3 +127\.0\.0\.1:\d+ +\d+m\d\ds +NonQualified/);
  });

  it('exits 2 with one line for a wrong secret', async () => {
    const r = await cli(['status'], { ...env, REGDESK_AMI_SECRET: 'wrong' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/Authentication failed/i);
  });

  it('exits 2 when nothing listens on the AMI port', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const r = await cli(['status', '--port', String(closedPort)], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused|ECONNREFUSED/i);
  });

  it('removes a contact, refuses to remove it twice, and restores it', async () => {
    const status = JSON.parse((await cli(['status', '--json'], env)).stdout) as { endpoints: Array<{ row: { endpoint: string }; aors: Array<{ contacts: Array<{ id: string }> }> }> };
    const id = status.endpoints.find((d) => d.row.endpoint === 'phone1')!.aors[0]!.contacts[0]!.id;

    const removed = await cli(['remove', id, '--json'], env);
    expect(removed.code).toBe(0);
    const { auditId } = JSON.parse(removed.stdout) as { auditId: string };
    expect(sandbox.pbx.astdb.get('registrar/contact', id)).toBeUndefined();

    const again = await cli(['remove', id], env);
    expect(again.code).toBe(1);

    const restored = await cli(['restore', auditId], env);
    expect(restored.code).toBe(0);
    expect(sandbox.pbx.astdb.get('registrar/contact', id)).toContain('"uri"');

    const audit = await cli(['audit', '--json'], env);
    expect((JSON.parse(audit.stdout) as Array<{ action: string; outcome: string }>).map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'removeContact:done',
      'restoreContact:done',
    ]);
  });

  it('refuses a contact id with a line break before it reaches AMI', async () => {
    const r = await cli(['remove', 'phone1;@abc\r\nAction: DBDelTree'], env);
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toMatch(/CR, LF or NUL|line break/);
    expect(sandbox.pbx.contacts().filter((c) => c.aor === 'phone1')).toHaveLength(2);
  });

  it('dial shows the computed string and Asterisk-compatible answer with the same targets', async () => {
    const r = await cli(['dial', 'phone1', '--json'], env);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { computed: string; asterisk: string; agree: boolean };
    expect(d.agree).toBe(true);
    expect(d.computed.split('&')).toHaveLength(2);
  });

  it('watch prints a refused REGISTER as it happens, naming the stuck contact', async () => {
    let started!: () => void;
    const watching = new Promise<void>((resolve) => (started = resolve));
    const run = cli(['watch', '--json', '--for', '4'], env, (chunk) => chunk.includes('"watching"') && started());
    await watching;
    expect((await phone('phone1')).status).toBe(403);
    const r = await run;
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; endpoint?: string; kind?: string; staleCandidate?: string | null });
    expect(lines.some((l) => l.event === 'history' && l.endpoint === 'phone1' && l.kind === 'refused')).toBe(true);
    expect(lines.find((l) => l.event === 'refusal')).toMatchObject({ endpoint: 'phone1', maxContacts: 2 });
  });
});
