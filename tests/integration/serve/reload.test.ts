// regdesk serve's life: SIGHUP reloads the config (an added PBX connects, a removed one
// disconnects, a changed one reconnects, the others are untouched), a bad config is refused at
// start (nothing listens) and at reload (the running one stays), SIGTERM stops within 5 s.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { freeTcpPort, sampleOf, startServe, until, type ServeProcess } from '../../support/serve-process';

interface Pbx {
  name: string;
  sandbox: SandboxHost;
}

function configText(pbxs: Pbx[], extra = ''): string {
  const lines = pbxs.map((p) => `  - { name: ${p.name}, host: 127.0.0.1, port: ${p.sandbox.login.port}, user: ${p.sandbox.login.username}, secret_env: SANDBOX_SECRET${extra} }`);
  return `pbxs:\n${lines.join('\n')}\n`;
}

describe('regdesk serve reload and stop', () => {
  let dir: string;
  let a: SandboxHost;
  let b: SandboxHost;
  let c: SandboxHost;
  let serve: ServeProcess;
  let base: string;
  const env = () => ({ SANDBOX_SECRET: a.login.secret });
  const metrics = async () => (await fetch(`${base}/metrics`)).text();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regdesk-serve-reload-'));
    [a, b, c] = await Promise.all([startSandboxHost({}), startSandboxHost({}), startSandboxHost({})]);
  });

  afterAll(async () => {
    await serve?.stop();
    await Promise.all([a?.close(), b?.close(), c?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a config with an inline secret at start, naming file, line and field, and listens on nothing', async () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, `pbxs:\n  - name: a\n    host: 127.0.0.1\n    user: regdesk\n    secret: ${a.login.secret}\n`);
    const port = await freeTcpPort();
    const bad = startServe(['--config', file, '--listen', `127.0.0.1:${port}`], env());
    const code = await Promise.race([bad.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000))]);
    if (code === 'hung') await bad.stop();
    expect(code).toBe(1);
    expect(bad.output()).toContain(`${file}:5: pbxs[0].secret: an inline secret is refused`);
    expect(bad.output()).toContain('nothing started');
    expect(bad.output()).not.toContain(a.login.secret);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('reloads on SIGHUP: adds, reconnects a changed PBX, removes, leaves the rest alone; keeps running on a bad reload', async () => {
    const file = join(dir, 'serve.yml');
    writeFileSync(file, configText([{ name: 'a', sandbox: a }]));
    serve = startServe(['--config', file, '--listen', '127.0.0.1:0'], env());
    base = await serve.base();
    await until('/readyz', async () => (await fetch(`${base}/readyz`)).ok, 20_000);
    expect(sampleOf(await metrics(), 'regdesk_pbx_up{pbx="a"}')).toBe(1);
    const aLogins = () => serve.output().split('\n').filter((l) => l.includes('a: live')).length;
    expect(aLogins()).toBe(1);

    // Added: b connects; a is untouched (no second session).
    writeFileSync(file, configText([{ name: 'a', sandbox: a }, { name: 'b', sandbox: b }]));
    serve.child.kill('SIGHUP');
    await serve.waitFor(/reloaded .*: added b; 1 unchanged/);
    await until('b up', async () => sampleOf(await metrics(), 'regdesk_pbx_up{pbx="b"}') === 1, 20_000);
    expect(aLogins()).toBe(1);

    // A bad config on reload: refused, logged with file and line, nothing changes.
    writeFileSync(file, `${configText([{ name: 'a', sandbox: a }])}  - { name: z, host: 127.0.0.1, user: u, secret_env: X, ssh: {} }\n`);
    serve.child.kill('SIGHUP');
    await serve.waitFor(/reload refused, the running configuration stays: .*serve\.yml:3: pbxs\[1\]\.ssh: AMI through SSH is not supported/);
    const kept = await metrics();
    expect(sampleOf(kept, 'regdesk_pbx_up{pbx="a"}')).toBe(1);
    expect(sampleOf(kept, 'regdesk_pbx_up{pbx="b"}')).toBe(1);

    // Changed (b now points at c) and removed (a): b reconnects, a's series go.
    writeFileSync(file, configText([{ name: 'b', sandbox: c }]));
    serve.child.kill('SIGHUP');
    await serve.waitFor(/reloaded .*: removed a; reconnected b; 0 unchanged/);
    await until('a gone, b up again', async () => {
      const text = await metrics();
      return sampleOf(text, 'regdesk_pbx_up{pbx="a"}') === null && sampleOf(text, 'regdesk_pbx_up{pbx="b"}') === 1;
    }, 20_000);
    expect(serve.output().split('\n').filter((l) => l.includes('b: live')).length).toBe(2);
    // Readiness follows the new fleet.
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }, 60_000);

  it('exports every AOR with --all-aors, and only those needing attention without', async () => {
    const file = join(dir, 'all.yml');
    writeFileSync(file, configText([{ name: 'a', sandbox: a }]));
    for (const [flags, expected] of [[['--all-aors'], a.pbx.aors().length], [[], 0]] as const) {
      const one = startServe(['--config', file, '--listen', '127.0.0.1:0', ...flags], env());
      try {
        const url = await one.base();
        await until('/readyz', async () => (await fetch(`${url}/readyz`)).ok, 20_000);
        const text = await (await fetch(`${url}/metrics`)).text();
        const aors = text.split('\n').filter((l) => l.startsWith('regdesk_aor_max_contacts{'));
        expect(aors.length).toBe(expected);
        if (expected > 0) expect(sampleOf(text, 'regdesk_aor_max_contacts{pbx="a",aor="phone1"}')).toBe(2);
      } finally {
        expect((await one.stop()).code).toBe(0);
      }
    }
  });

  it('stops cleanly on SIGTERM within 5 s', async () => {
    const { code, ms } = await serve.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
