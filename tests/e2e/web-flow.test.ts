// The whole job in a real browser: Debian Chromium driving the built renderer in browser mode,
// against the real services and a live Sandbox PBX with sipp phones.
import type { Browser } from 'playwright';
import { expect, it } from 'vitest';
import { CONTACT_FAMILY } from '../../src-main/sandbox/contact-store';
import { describeInChromium } from './support/browser';
import { english, japanese, runRemovalFlow, type Labels } from './support/flow';
import { startStack } from './support/stack';

async function runInBrowser(browser: Browser, labels: Labels): Promise<void> {
  const stack = await startStack();
  const context = await browser.newContext({ locale: labels.locale, viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(stack.web.url);
    await runRemovalFlow(
      page,
      {
        sipServer: stack.pbx.sipAddress,
        storedContactIds: async () => stack.pbx.astdb.tree(CONTACT_FAMILY).map((entry) => entry.key.replace(/^\/?registrar\/contact\//, '')),
        pbxName: stack.lab.name,
        shotPrefix: '',
      },
      labels,
    );
  } finally {
    await context.close();
    await stack.close();
  }
}

describeInChromium('browser e2e (web mode)', 'RegDesk in the browser against a live Sandbox PBX', (browser) => {
  it('shows 2/2, alerts on the refused third phone, removes the stale contact, admits the phone, and undoes', async () => {
    await runInBrowser(browser(), english);
  }, 120_000);

  it('runs the same flow with Japanese labels', async () => {
    await runInBrowser(browser(), japanese);
  }, 120_000);

  it('adds a PBX from the form, words a refused login for an admin, and never shows the secret again', async () => {
    const stack = await startStack();
    const context = await browser().newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(stack.web.url);
      await page.getByRole('button', { name: 'Add PBX' }).click();
      const form = page.getByRole('dialog');
      await form.getByLabel('Name').fill('Wrong secret');
      await form.getByLabel('Host').fill('127.0.0.1');
      await form.getByLabel('AMI port').fill(String(stack.ami.port));
      await form.getByLabel('AMI user').fill('regdesk');
      await form.getByLabel('AMI secret').fill('not-the-secret');
      await form.getByRole('button', { name: 'Save' }).click();
      const entry = page.getByRole('listitem').filter({ hasText: 'Wrong secret' });
      await expect
        .poll(() => entry.textContent({ timeout: 1000 }).catch(() => ''), { timeout: 30_000 })
        .toContain('Asterisk refused the AMI user name or secret');
      // The secret is write-only: editing shows an empty field that keeps the stored one if left empty.
      await entry.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog');
      expect(await edit.getByLabel('AMI secret').inputValue()).toBe('');
      expect(await edit.getByLabel('AMI user').inputValue()).toBe('regdesk');
      expect(await page.content()).not.toContain('not-the-secret');
    } finally {
      await context.close();
      await stack.close();
    }
  }, 60_000);

  it('tells the admin once, with the manager.conf line, when the AMI user cannot read security events', async () => {
    // labnosec reads every class but security: it would never see a FailedACL refusal.
    const stack = await startStack({ amiUser: { username: 'labnosec', secret: 'labnosec-secret' } });
    const context = await browser().newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(stack.web.url);
      const warning = page.getByRole('alert').filter({ hasText: 'Refusals cannot be seen on Lab PBX' });
      await warning.waitFor({ timeout: 30_000 });
      expect(await warning.locator('code').textContent()).toBe('read = system,security');
      await warning.getByRole('button', { name: 'Understood' }).click();
      await expect.poll(() => warning.count()).toBe(0);
    } finally {
      await context.close();
      await stack.close();
    }
  }, 60_000);
});
