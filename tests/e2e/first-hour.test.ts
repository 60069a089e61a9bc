// Browser mode as a newcomer meets it (issue 14): Chromium against the real services with the
// built-in Sandbox PBX, on ports the OS picked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { expect, it } from 'vitest';
import { loadSandboxConfig } from '../../src-main/sandbox/config/load';
import { startAmiServer, type AmiServer } from '../../src-main/sandbox/ami/server';
import { SandboxPbx } from '../../src-main/sandbox/pbx';
import { createServices } from '../../src-main/services/create';
import { PassphraseVault } from '../../src-main/services/passphrase-vault';
import { startWebServer } from '../../src-main/web/server';
import { describeInChromium } from './support/browser';
import { bundledSandboxConfig, rendererDir, startStack } from './support/stack';

function pbxNames(page: Page): Promise<string[]> {
  return page.locator('.pbx-list .pbx-name').allTextContents();
}

describeInChromium('browser e2e (first hour)', 'browser mode, first hour', (browser) => {
  it('opens on the real PBX once there is one, lists the Sandbox last, and hides it and brings it back from the settings', async () => {
    const stack = await startStack({ builtInSandbox: true });
    const context = await browser().newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(stack.web.url);
      await expect.poll(() => pbxNames(page)).toEqual(['Lab PBX', 'Sandbox PBX']);
      expect(await page.locator('.pbx.selected .pbx-name').textContent()).toBe('Lab PBX');
      const sandboxSip = (await stack.services.listPbxs()).find((p) => p.kind === 'sandbox')!.sipAddress!;
      await page.getByText(`Phones register to sip:127.0.0.1:${sandboxSip.port}`).waitFor();

      const show = page.getByLabel('Show the Sandbox PBX');
      expect(await show.isChecked()).toBe(true);
      await show.uncheck();
      await expect.poll(() => pbxNames(page)).toEqual(['Lab PBX']);
      await page.reload();
      await expect.poll(() => pbxNames(page)).toEqual(['Lab PBX']);
      expect(await page.getByLabel('Show the Sandbox PBX').isChecked()).toBe(false);
      await page.getByLabel('Show the Sandbox PBX').check();
      await expect.poll(() => pbxNames(page)).toEqual(['Lab PBX', 'Sandbox PBX']);
    } finally {
      await context.close();
      await stack.close();
    }
  }, 60_000);

  it('names the action Asterisk denied and the write class it needs, beside the dial string', async () => {
    // labsec: write = system,command. Getvar needs call or reporting (main/manager.c).
    const stack = await startStack({ amiUser: { username: 'labsec', secret: 'labsec-secret' } });
    const context = await browser().newContext({ locale: 'en-US' });
    try {
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

  it('keeps saved secrets across a restart with a RegDesk passphrase, entered once in the page; a wrong one is refused and loses nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'regdesk-e2e-vault-'));
    const pbx = await SandboxPbx.start({ config: loadSandboxConfig(bundledSandboxConfig), sipPort: 0 });
    const ami = await startAmiServer({ pbx, port: 0, bind: '127.0.0.1' });
    const start = async () => {
      const services = await createServices({ dataDir, secrets: new PassphraseVault(dataDir), sandbox: false });
      return { services, web: await startWebServer({ services, rendererDir, port: 0 }) };
    };
    let run = await start();
    const context = await browser().newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(run.web.url);
      // Without a passphrase the form says plainly that the secret lives in memory only.
      await page.getByRole('button', { name: 'Add PBX' }).click();
      const form = page.getByRole('dialog');
      expect(await form.locator('#secret-note').textContent()).toContain('kept in memory only');
      await form.getByLabel('Name').fill('Office PBX');
      await form.getByLabel('Host').fill('127.0.0.1');
      await form.getByLabel('AMI port').fill(String(ami.port));
      await form.getByLabel('AMI user').fill('regdesk');
      await form.getByLabel('AMI secret').fill('regdesk-sandbox');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Live').waitFor({ timeout: 15_000 });

      await page.getByRole('button', { name: 'Set a passphrase' }).click();
      await page.getByLabel('RegDesk passphrase', { exact: true }).fill('short');
      await page.getByLabel('Passphrase again').fill('short');
      await page.getByRole('button', { name: 'Seal secrets with this passphrase' }).click();
      await page.getByText('The passphrase needs at least 8 characters.').waitFor();
      await page.getByLabel('RegDesk passphrase', { exact: true }).fill('jump host passphrase');
      await page.getByLabel('Passphrase again').fill('jump host passphrase');
      await page.getByRole('button', { name: 'Seal secrets with this passphrase' }).click();
      await page.getByText('AMI secrets are sealed on disk with your RegDesk passphrase.').waitFor();

      // Restart: new services and server on the same data folder.
      await run.web.close();
      await run.services.close();
      run = await start();
      await page.goto(run.web.url);
      await page.getByRole('heading', { name: 'Enter your RegDesk passphrase' }).waitFor();
      expect(await page.locator('.pbx-host').textContent()).toContain('Disconnected');
      await page.getByLabel('RegDesk passphrase', { exact: true }).fill('not it at all');
      await page.getByRole('button', { name: 'Unlock' }).click();
      await page.getByText('Wrong passphrase. Nothing was changed; try again.').waitFor();
      await page.getByLabel('RegDesk passphrase', { exact: true }).fill('jump host passphrase');
      await page.getByRole('button', { name: 'Unlock' }).click();
      await expect.poll(() => page.locator('.pbx-host').textContent(), { timeout: 15_000 }).toContain('Live');
      expect(await page.getByRole('heading', { name: 'Enter your RegDesk passphrase' }).count()).toBe(0);
    } finally {
      await context.close();
      await run.web.close();
      await run.services.close();
      await ami.close();
      await pbx.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
