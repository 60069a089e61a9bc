// Trust on first use in a real browser: a PBX profile with "Use TLS" against the Sandbox PBX's
// AMI over TLS (a throwaway self-signed certificate), refused with its fingerprint, pinned from
// the edit form, then live. Debian Chromium drives the built renderer in browser mode.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSandboxConfig } from '../../src-main/sandbox/config/load';
import { startAmiServer, type AmiServer } from '../../src-main/sandbox/ami/server';
import { BUNDLED_SANDBOX_CONFIG } from '../../src-main/sandbox/host';
import { SandboxPbx } from '../../src-main/sandbox/pbx';
import type { RegDeskServices } from '../../src-main/services/api';
import { createServices } from '../../src-main/services/create';
import { startWebServer, type WebServer } from '../../src-main/web/server';
import { requireTool } from '../support/require-tool';
import { makeSelfSignedCertificate, type TestCertificate } from '../support/tls-cert';
import { findChromium, launchChromium } from './support/browser';
import { haveChromium, reversingKeystore, textOf } from './support/trust';
import { rendererDir } from './support/stack';

describe.runIf(requireTool('openssl', 'openssl') && haveChromium('TLS trust e2e'))('trusting a PBX certificate in the browser', () => {
  let certificate: TestCertificate;
  let pbx: SandboxPbx;
  let ami: AmiServer;
  let services: RegDeskServices;
  let web: WebServer;
  let dataDir: string;
  let amiUser: { name: string; secret: string };

  beforeAll(async () => {
    certificate = makeSelfSignedCertificate();
    const config = loadSandboxConfig(BUNDLED_SANDBOX_CONFIG);
    amiUser = config.managerUsers.find((u) => u.name === 'regdesk')!;
    pbx = await SandboxPbx.start({ config, sipPort: 0 });
    ami = await startAmiServer({ pbx, port: 0, tls: { cert: certificate.cert, key: certificate.key } });
    dataDir = mkdtempSync(join(tmpdir(), 'regdesk-e2e-tls-'));
    services = await createServices({ dataDir, secrets: reversingKeystore, sandbox: false });
    web = await startWebServer({ services, rendererDir, port: 0 });
  }, 30_000);

  afterAll(async () => {
    await web?.close();
    await services?.close();
    await ami?.close();
    await pbx?.close();
    certificate?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the refused certificate fingerprint in the edit form, pins it with one click, and goes live', async () => {
    const browser = await launchChromium(findChromium()!);
    try {
      const page = await browser.newPage({ locale: 'en-US' });
      await page.goto(web.url);
      await page.getByRole('button', { name: 'Add PBX' }).click();
      const form = page.getByRole('dialog');
      await form.getByLabel('Name').fill('TLS PBX');
      await form.getByLabel('Host').fill('127.0.0.1');
      await form.getByLabel('Use TLS').check();
      expect(await form.getByLabel('AMI port').inputValue()).toBe('5039');
      await form.getByLabel('AMI port').fill(String(ami.port));
      await form.getByLabel('AMI user').fill(amiUser.name);
      await form.getByLabel('AMI secret').fill(amiUser.secret);
      await form.getByRole('button', { name: 'Save' }).click();

      const entry = page.getByRole('listitem').filter({ hasText: 'TLS PBX' });
      await expect.poll(textOf(entry), { timeout: 15_000 }).toContain('TLS certificate is not trusted');
      await entry.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog');
      const offer = edit.getByRole('alert');
      await expect.poll(textOf(offer), { timeout: 5_000 }).toContain(certificate.fingerprint);
      expect(await offer.textContent()).toContain('openssl x509 -noout -fingerprint -sha256');
      const pin = edit.getByLabel('Pinned certificate (SHA-256 fingerprint)');
      expect(await pin.inputValue()).toBe('');
      await offer.getByRole('button', { name: 'Trust this certificate' }).click();
      expect(await pin.inputValue()).toBe(certificate.fingerprint);
      await edit.getByRole('button', { name: 'Save' }).click();

      await expect.poll(textOf(entry), { timeout: 15_000 }).toContain('Live');
      expect(await entry.textContent()).not.toContain('not trusted');
      const saved = (await services.listPbxs()).find((p) => p.name === 'TLS PBX');
      expect(saved?.tlsFingerprint).toBe(certificate.fingerprint);
      expect(saved?.state).toBe('live');
    } finally {
      await browser.close();
    }
  }, 90_000);
});
