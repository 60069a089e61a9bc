// Browser mode as a newcomer meets it (issue 14): Chromium against the real services with the
// built-in Sandbox PBX, on ports the OS picked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSandboxConfig } from '../../src-main/sandbox/config/load';
import { startAmiServer, type AmiServer } from '../../src-main/sandbox/ami/server';
import { SandboxPbx } from '../../src-main/sandbox/pbx';
import type { RegDeskServices, SecretStore } from '../../src-main/services/api';
import { createServices } from '../../src-main/services/create';
import { startWebServer, type WebServer } from '../../src-main/web/server';
import { findChromium, launchChromium, toolsVerdict } from './support/browser';
import { bundledSandboxConfig, rendererDir } from './support/stack';

const verdict = toolsVerdict('browser e2e (first hour)');
const memoryOnly: SecretStore = { isAvailable: () => false, encrypt: () => Buffer.alloc(0), decrypt: () => '' };

/** The app's services with its built-in Sandbox PBX (no demo phones), a lab PBX, browser mode. */
async function startWithSandbox(): Promise<{ services: RegDeskServices; web: WebServer; lab: { pbx: SandboxPbx; ami: AmiServer }; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'regdesk-e2e-first-'));
  const pbx = await SandboxPbx.start({ config: loadSandboxConfig(bundledSandboxConfig), sipPort: 0 });
  const ami = await startAmiServer({ pbx, port: 0, bind: '127.0.0.1' });
  const services = await createServices({ dataDir, secrets: memoryOnly, sandbox: {} });
  const web = await startWebServer({ services, rendererDir, port: 0 });
  return {
    services,
    web,
    lab: { pbx, ami },
    async close() {
      await web.close();
      await services.close();
      await ami.close();
      await pbx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function pbxNames(page: Page): Promise<string[]> {
  return page.locator('.pbx-list .pbx-name').allTextContents();
}

describe.runIf(verdict.run || verdict.failure !== null)('browser mode, first hour', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (verdict.failure) throw new Error(verdict.failure);
    browser = await launchChromium(findChromium()!);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('opens on the real PBX once there is one, lists the Sandbox last, and hides it and brings it back from the settings', async () => {
    const stack = await startWithSandbox();
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      await stack.services.addPbx({ name: 'Office PBX', host: '127.0.0.1', port: stack.lab.ami.port, username: 'regdesk', tls: false }, 'regdesk-sandbox');
      const page = await context.newPage();
      await page.goto(stack.web.url);
      await expect.poll(() => pbxNames(page)).toEqual(['Office PBX', 'Sandbox PBX']);
      expect(await page.locator('.pbx.selected .pbx-name').textContent()).toBe('Office PBX');
      const sandboxSip = (await stack.services.listPbxs()).find((p) => p.kind === 'sandbox')!.sipAddress!;
      await page.getByText(`Phones register to sip:127.0.0.1:${sandboxSip.port}`).waitFor();

      const show = page.getByLabel('Show the Sandbox PBX');
      expect(await show.isChecked()).toBe(true);
      await show.uncheck();
      await expect.poll(() => pbxNames(page)).toEqual(['Office PBX']);
      await page.reload();
      await expect.poll(() => pbxNames(page)).toEqual(['Office PBX']);
      expect(await page.getByLabel('Show the Sandbox PBX').isChecked()).toBe(false);
      await page.getByLabel('Show the Sandbox PBX').check();
      await expect.poll(() => pbxNames(page)).toEqual(['Office PBX', 'Sandbox PBX']);
    } finally {
      await context.close();
      await stack.close();
    }
  }, 60_000);

  it('names the action Asterisk denied and the write class it needs, beside the dial string', async () => {
    const stack = await startWithSandbox();
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      // labsec: write = system,command. Getvar needs call or reporting (main/manager.c).
      await stack.services.addPbx({ name: 'Locked PBX', host: '127.0.0.1', port: stack.lab.ami.port, username: 'labsec', tls: false }, 'labsec-secret');
      const page = await context.newPage();
      await page.goto(stack.web.url);
      await page.locator('[data-endpoint="phone1"]').click();
      const denied = page.locator('[data-dial="asterisk-error"]');
      await denied.waitFor({ timeout: 15_000 });
      expect(await denied.textContent()).toBe('Asterisk denied Getvar to this AMI user. In manager.conf give the user write = call or reporting (any one of them).');
    } finally {
      await context.close();
      await stack.close();
    }
  }, 60_000);
});
