// `regdesk status --tls [--tls-fingerprint FP]` as an admin runs it, a real process against the
// Sandbox PBX serving AMI over TLS with a throwaway self-signed certificate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointDetail } from '../../../src-main/core/types';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { requireTool } from '../../support/require-tool';
import { runCli as cli } from '../../support/run-cli';
import { makeSelfSignedCertificate, type TestCertificate } from '../../support/tls-cert';

describe.runIf(requireTool('openssl', 'openssl'))('regdesk CLI over TLS', () => {
  let certificate: TestCertificate;
  let sandbox: SandboxHost;
  let dataDir: string;
  let env: Record<string, string>;
  let port: string;

  beforeAll(async () => {
    certificate = makeSelfSignedCertificate();
    sandbox = await startSandboxHost({ amiTls: { cert: certificate.cert, key: certificate.key } });
    dataDir = mkdtempSync(join(tmpdir(), 'regdesk-cli-tls-'));
    port = String(sandbox.amiTls!.port);
    env = {
      REGDESK_AMI_HOST: sandbox.login.host,
      REGDESK_AMI_USER: sandbox.login.username,
      REGDESK_AMI_SECRET: sandbox.login.secret,
      REGDESK_DATA_DIR: dataDir,
    };
  });
  afterAll(async () => {
    await sandbox?.close();
    certificate?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses the unpinned self-signed certificate with exit 2, printing its fingerprint and how to pin it', async () => {
    const run = await cli(['status', '--tls', '--port', port, '--timeout', '3000'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`--tls-fingerprint ${certificate.fingerprint}`);
  });

  it('lists the endpoints through the pinned certificate', async () => {
    const run = await cli(['status', '--tls-fingerprint', certificate.fingerprint, '--port', port, '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const details = (JSON.parse(run.stdout) as { endpoints: EndpointDetail[] }).endpoints;
    expect(details.map((d) => d.row.endpoint)).toEqual(expect.arrayContaining(['phone1', 'phone2', 'phone3', 'wiz1']));
  });

  it('refuses a certificate other than the pinned one with exit 2', async () => {
    const wrongPin = (certificate.fingerprint.startsWith('00') ? '11' : '00') + certificate.fingerprint.slice(2);
    const run = await cli(['status', '--tls', '--port', port, '--timeout', '3000'], { ...env, REGDESK_AMI_TLS_FINGERPRINT: wrongPin });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('NOT the pinned one');
    expect(run.stderr).toContain(`presented SHA-256 ${certificate.fingerprint}`);
  });

  it('refuses a malformed fingerprint as a usage error (exit 1) before connecting', async () => {
    const run = await cli(['status', '--tls-fingerprint', 'AB:CD', '--port', port], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid --tls-fingerprint');
  });
});
