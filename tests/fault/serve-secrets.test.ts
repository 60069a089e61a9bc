// Secrets and regdesk serve: the AMI secret is read from a file (as a systemd credential is) and
// from the environment; after a run, with a good secret and with a wrong one, neither the
// secret nor the metrics bearer token is in serve's log, in what its HTTP endpoints answer, or
// in any file it left behind (it writes none: its working directory and HOME stay as they were),
// in any of the encodings a careless write would leave. An inline secret is refused without
// being repeated.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_SANDBOX_CONFIG } from '../../src-main/sandbox/host';
import { startSandboxHost, type SandboxHost } from '../../src-main/services/sandbox-host';
import { startServe, until } from '../support/serve-process';

/** The ways a secret can sit in text "in plain text". */
function encodings(secret: string): Buffer[] {
  return [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le'), Buffer.from(Buffer.from(secret).toString('base64')), Buffer.from(Buffer.from(secret).toString('hex')), Buffer.from(JSON.stringify(secret))];
}

function expectNowhere(secret: string, where: Array<[string, Buffer]>): void {
  for (const [name, bytes] of where) {
    for (const encoded of encodings(secret)) expect(bytes.includes(encoded), `${name} holds the secret (${encoded.toString('latin1').slice(0, 12)}...)`).toBe(false);
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

describe('the AMI secret and the metrics token of regdesk serve', () => {
  const secret = `Ami-${randomBytes(12).toString('hex')}-秘密`;
  const token = randomBytes(24).toString('hex');
  let root: string;
  let sandbox: SandboxHost;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'regdesk-serve-secrets-'));
    const sandboxConfig = join(root, 'sandbox');
    cpSync(BUNDLED_SANDBOX_CONFIG, sandboxConfig, { recursive: true });
    const manager = join(sandboxConfig, 'manager.conf');
    writeFileSync(manager, readFileSync(manager, 'utf8').replace('secret = regdesk-sandbox', `secret = ${secret}`));
    sandbox = await startSandboxHost({ configDir: sandboxConfig });
    expect(sandbox.login.secret).toBe(secret);
  });

  afterAll(async () => {
    await sandbox?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  for (const [label, right] of [['the right secret', true], ['a wrong secret', false]] as const) {
    it(`is nowhere in serve's log, answers or files, with ${label}`, async () => {
      const used = right ? secret : `Wrong-${randomBytes(8).toString('hex')}`;
      const credentials = mkdtempSync(join(root, 'credentials-'));
      const work = mkdtempSync(join(root, 'work-'));
      writeFileSync(join(credentials, 'east'), `${used}\n`, { mode: 0o600 });
      writeFileSync(join(credentials, 'metrics-token'), `${token}\n`, { mode: 0o600 });
      const config = join(credentials, 'serve.yml');
      writeFileSync(
        config,
        `metrics_bearer_token_file: ${join(credentials, 'metrics-token')}\npbxs:\n` +
          `  - { name: east, host: 127.0.0.1, port: ${sandbox.login.port}, user: regdesk, secret_file: east }\n` +
          `  - { name: west, host: 127.0.0.1, port: ${sandbox.login.port}, user: regdesk, secret_env: WEST_SECRET }\n`,
      );
      const before = filesUnder(work);
      // A relative secret_file is a systemd credential name under $CREDENTIALS_DIRECTORY.
      const serve = startServe(['--config', config, '--listen', '127.0.0.1:0'], { CREDENTIALS_DIRECTORY: credentials, WEST_SECRET: used, HOME: work, XDG_CONFIG_HOME: work }, work);
      const base = await serve.base();
      if (right) await until('/readyz', async () => (await fetch(`${base}/readyz`)).ok, 20_000);
      else await serve.waitFor(/east: failed \(/);
      const unauthorized = await fetch(`${base}/metrics`);
      expect(unauthorized.status).toBe(401);
      const wrongToken = await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer not-the-token' } });
      expect(wrongToken.status).toBe(401);
      const metrics = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      expect(metrics.status).toBe(200);
      const body = await metrics.text();
      expect(body).toContain(`regdesk_pbx_up{pbx="east"} ${right ? 1 : 0}`);
      const readyz = await (await fetch(`${base}/readyz`)).text();
      expect((await serve.stop()).code).toBe(0);

      expect(filesUnder(work)).toEqual(before);
      const answers: Array<[string, Buffer]> = [['the log', Buffer.from(serve.output())], ['/metrics', Buffer.from(body)], ['/readyz', Buffer.from(readyz)]];
      expectNowhere(used, answers);
      expectNowhere(token, answers);
    }, 40_000);
  }

  it('refuses an inline secret without repeating it', async () => {
    const config = join(root, 'inline.yml');
    writeFileSync(config, `pbxs:\n  - name: east\n    host: 127.0.0.1\n    user: regdesk\n    secret: "${secret}"\n`);
    const serve = startServe(['--config', config]);
    const code = await Promise.race([serve.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000))]);
    if (code === 'hung') await serve.stop();
    expect(code).toBe(1);
    expect(serve.output()).toContain('pbxs[0].secret: an inline secret is refused');
    expectNowhere(secret, [['the log', Buffer.from(serve.output())]]);
  });
});
