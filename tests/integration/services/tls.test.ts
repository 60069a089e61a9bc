// A PBX profile with TLS through the services, as the app uses them: the Sandbox PBX serving AMI
// over TLS with a throwaway self-signed certificate; trust on first use through the IPC contract.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCall } from '../../../src-main/ipc/dispatch';
import type { PbxProfileInput, PbxSummary, RegDeskServices, SecretStore } from '../../../src-main/services/api';
import { createServices } from '../../../src-main/services/create';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { requireTool } from '../../support/require-tool';
import { makeSelfSignedCertificate, type TestCertificate } from '../../support/tls-cert';

const memoryKeystore: SecretStore = {
  isAvailable: () => true,
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
  decrypt: (sealed) => Buffer.from(sealed).reverse().toString('utf8'),
};

/** The next pbxChanged of this PBX that satisfies `done` (or its current summary, if it already does). */
async function summaryWhen(services: RegDeskServices, pbxId: string, done: (p: PbxSummary) => boolean, what: string): Promise<PbxSummary> {
  const current = (await services.listPbxs()).find((p) => p.id === pbxId);
  if (current && done(current)) return current;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, 8_000);
    const stop = services.on('pbxChanged', (p) => {
      if (p.id !== pbxId || !done(p)) return;
      clearTimeout(timer);
      stop();
      resolve(p);
    });
  });
}

/** A fingerprint of the same form that is not this one. */
function otherFingerprint(fingerprint: string): string {
  return (fingerprint.startsWith('00') ? '11' : '00') + fingerprint.slice(2);
}

describe.runIf(requireTool('openssl', 'openssl'))('a TLS PBX profile in the services', () => {
  let certificate: TestCertificate;
  let sandbox: SandboxHost;
  let dataDir: string;
  let services: RegDeskServices | null = null;
  let profile: PbxProfileInput;

  beforeAll(async () => {
    certificate = makeSelfSignedCertificate();
    sandbox = await startSandboxHost({ amiTls: { cert: certificate.cert, key: certificate.key } });
    dataDir = mkdtempSync(join(tmpdir(), 'regdesk-services-tls-'));
    profile = { name: 'TLS PBX', host: '127.0.0.1', port: sandbox.amiTls!.port, username: sandbox.login.username, tls: true };
  });
  afterAll(async () => {
    await services?.close();
    await sandbox?.close();
    certificate?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('offers the unknown certificate fingerprint, connects once it is pinned, and keeps the pin across restarts', async () => {
    services = await createServices({ dataDir, secrets: memoryKeystore, sandbox: false });
    const added = await services.addPbx(profile, sandbox.login.secret);
    expect(added.tlsFingerprint).toBeNull();
    const untrusted = await summaryWhen(services, added.id, (p) => p.error?.code === 'tlsUntrusted', 'the tlsUntrusted error');
    expect(untrusted.error?.tlsFingerprint).toBe(certificate.fingerprint);
    expect(untrusted.state).not.toBe('live');

    // The admin compares and trusts it: the renderer sends the offered fingerprint back.
    const pinned = await handleCall(services, 'updatePbx', [added.id, { ...profile, tlsFingerprint: untrusted.error!.tlsFingerprint! }, null]);
    expect(pinned.ok).toBe(true);
    const live = await summaryWhen(services, added.id, (p) => p.state === 'live', 'the pinned PBX to go live');
    expect(live.tlsFingerprint).toBe(certificate.fingerprint);
    expect(live.error).toBeNull();
    expect((await services.listEndpoints(added.id)).map((r) => r.endpoint)).toContain('phone1');
    expect(readFileSync(join(dataDir, 'profiles.json'), 'utf8')).toContain(certificate.fingerprint);

    await services.close();
    services = await createServices({ dataDir, secrets: memoryKeystore, sandbox: false });
    await summaryWhen(services, added.id, (p) => p.state === 'live', 'the pinned PBX to go live after a restart');
  });

  it('refuses loudly when the pinned fingerprint no longer matches, offering the one presented', async () => {
    services ??= await createServices({ dataDir, secrets: memoryKeystore, sandbox: false });
    const stale = otherFingerprint(certificate.fingerprint);
    const added = await services.addPbx({ ...profile, name: 'Renewed', tlsFingerprint: stale }, sandbox.login.secret);
    const mismatch = await summaryWhen(services, added.id, (p) => p.error?.code === 'tlsMismatch', 'the tlsMismatch error');
    expect(mismatch.error?.tlsFingerprint).toBe(certificate.fingerprint);
    expect(mismatch.error?.message).toContain(stale);
    await services.removePbx(added.id);
  });

  it('refuses a fingerprint that is not a SHA-256 one, and CR/LF in it at the IPC boundary', async () => {
    services ??= await createServices({ dataDir, secrets: memoryKeystore, sandbox: false });
    const before = (await services.listPbxs()).length;
    const sha1 = await handleCall(services, 'addPbx', [{ ...profile, tlsFingerprint: 'AB:'.repeat(19) + 'AB' }, 'secret']);
    expect(sha1).toMatchObject({ ok: false, error: { code: 'invalidArgument' } });
    const injected = await handleCall(services, 'addPbx', [{ ...profile, tlsFingerprint: `${certificate.fingerprint}\r\nAction: Logoff` }, 'secret']);
    expect(injected).toMatchObject({ ok: false, error: { code: 'invalidArgument' } });
    expect(await services.listPbxs()).toHaveLength(before);
  });
});
