// `npm run sandbox -- --ami-tls-cert FILE --ami-tls-key FILE` as a process: it serves AMI over TLS
// beside plain AMI and prints the fingerprint an admin pins, the one openssl prints.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmiConnection } from '../../../../src-main/ami/connection';
import { loadSandboxConfig } from '../../../../src-main/sandbox/config/load';
import { BUNDLED_SANDBOX_CONFIG } from '../../../../src-main/sandbox/host';
import { requireTool } from '../../../support/require-tool';
import { makeSelfSignedCertificate, type TestCertificate } from '../../../support/tls-cert';
import { exitOf } from '../../../support/child-exit';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

describe.runIf(requireTool('openssl', 'openssl'))('npm run sandbox with AMI over TLS', () => {
  let certificate: TestCertificate;
  beforeAll(() => {
    certificate = makeSelfSignedCertificate();
  });
  afterAll(() => certificate?.remove());

  it('prints the TLS address and the certificate fingerprint openssl prints, and a client pinning it logs in', { timeout: 30_000 }, async () => {
    const args = ['--sip-port', '0', '--ami-port', '0', '--ami-tls-port', '0', '--ami-tls-cert', certificate.certFile, '--ami-tls-key', certificate.keyFile];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/sandbox/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = exitOf(child, 25_000);
    let out = '';
    const printed = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /AMI over TLS: 127\.0\.0\.1:(\d+), certificate SHA-256 fingerprint ([0-9A-F:]+)/.exec(out);
        if (m) resolve(m);
      });
      child.once('exit', () => reject(new Error(`sandbox exited early: ${out}`)));
    });
    expect(printed[2]).toBe(certificate.fingerprint);
    const user = loadSandboxConfig(BUNDLED_SANDBOX_CONFIG).managerUsers.find((u) => u.name === 'regdesk')!;
    const connection = await AmiConnection.connect({
      host: '127.0.0.1',
      port: Number(printed[1]),
      username: user.name,
      secret: user.secret,
      tls: { pinnedFingerprint: printed[2]! },
      connectTimeoutMs: 3_000,
      loginTimeoutMs: 3_000,
    });
    expect((await connection.send({ Action: 'Ping' })).get('Ping')).toBe('Pong');
    await connection.close();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a certificate without its key, with its usage and exit code 1', { timeout: 20_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/sandbox/main.ts', '--ami-tls-cert', certificate.certFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    expect(await exitOf(child, 15_000)).toBe(1);
    expect(err).toContain('--ami-tls-cert and --ami-tls-key go together');
    expect(err).toContain('usage: npm run sandbox');
  });
});
