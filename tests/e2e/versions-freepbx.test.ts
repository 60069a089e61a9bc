// The Asterisk version and FreePBX in a real browser: the built renderer in browser mode, the
// real services, and the Sandbox PBX passing for Asterisk 20 on the FreePBX-style lab with sipp
// phones. The sidebar names the version and "FreePBX detected"; the full extension's advice is
// FreePBX's custom_post file; FreePBX's own AMI user gets the manager_custom.conf warning.
// Screenshots (English and Japanese, 1280 and 1920 px) go to test-results/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, expect, it } from 'vitest';
import { FREEPBX_SANDBOX_CONFIG } from '../../src-main/sandbox/host';
import { registerPhone } from '../support/sip-phone';
import { describeInChromium } from './support/browser';
import { startStack, type Stack } from './support/stack';

const shotDir = join('test-results', 'screenshots');
const WIDTHS = [1280, 1920] as const;

const LABELS = {
  en: { locale: 'en-US', version: 'Asterisk 20.20.1', freepbx: 'FreePBX detected', adviceFile: 'FreePBX: /etc/asterisk/pjsip.aor_custom_post.conf', refusals: 'Refusals cannot be seen on Lab PBX' },
  ja: { locale: 'ja-JP', version: 'Asterisk 20.20.1', freepbx: 'FreePBX を検出', adviceFile: 'FreePBX：/etc/asterisk/pjsip.aor_custom_post.conf', refusals: 'Lab PBX では登録拒否を検知できません' },
} as const;

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: false });
}

/** The stack's page in one browser context (the URL's token opens one session only), checked
 *  and photographed at each width. */
async function atEachWidth(browser: Browser, stack: Stack, locale: string, check: (page: Page, width: number) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ locale, viewport: { width: WIDTHS[0], height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(stack.web.url);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await check(page, width);
    }
  } finally {
    await context.close();
  }
}

describeInChromium('browser e2e (versions and FreePBX)', 'the Asterisk version and FreePBX in the browser', (browser) => {
  let stack: Stack | null = null;

  afterAll(async () => {
    await stack?.close();
  });

  it.each(['en', 'ja'] as const)('shows the version, FreePBX and its advice (%s)', async (language) => {
    const labels = LABELS[language];
    stack = await startStack({ configDir: FREEPBX_SANDBOX_CONFIG, asteriskVersion: '20' });
    for (let i = 0; i < 2; i++) {
      const r = await registerPhone({ server: stack.pbx.sipAddress, user: '1001', password: 'pw-1001', expires: 3600 });
      expect(r.status).toBe(200);
    }
    await atEachWidth(browser(), stack, labels.locale, async (page, width) => {
      const facts = page.locator('.pbx-facts', { hasText: labels.version });
      await facts.waitFor({ timeout: 30_000 });
      expect(await facts.textContent()).toContain(labels.freepbx);
      await page.getByRole('row').filter({ hasText: '1001' }).first().click();
      const advice = page.locator('.advice');
      await advice.waitFor({ timeout: 30_000 });
      expect(await advice.textContent()).toContain(labels.adviceFile);
      expect(await advice.locator('code').first().textContent()).toBe('; /etc/asterisk/pjsip.aor_custom_post.conf\n[1001](+)\nremove_existing=yes');
      expect(await advice.textContent()).not.toContain('pjsip_wizard.conf');
      await advice.scrollIntoViewIfNeeded();
      await shoot(page, `freepbx-advice-${language}-${width}`);
    });
    await stack.close();
    stack = null;
  }, 120_000);

  it.each(['en', 'ja'] as const)("warns that FreePBX's own AMI user never sees refusals, naming manager_custom.conf (%s)", async (language) => {
    const labels = LABELS[language];
    stack = await startStack({ configDir: FREEPBX_SANDBOX_CONFIG, asteriskVersion: '20', amiUser: { username: 'admin', secret: 'amp111' } });
    await atEachWidth(browser(), stack, labels.locale, async (page, width) => {
      const warning = page.getByRole('alert').filter({ hasText: labels.refusals });
      await warning.waitFor({ timeout: 30_000 });
      expect(await warning.textContent()).toContain('manager_custom.conf');
      expect(await warning.locator('code').textContent()).toContain('read = system,security');
      await shoot(page, `freepbx-security-${language}-${width}`);
    });
    await stack.close();
    stack = null;
  }, 120_000);
});
