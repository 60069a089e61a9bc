// Incident mode in a real browser (issue 13): Debian Chromium on the built renderer in browser
// mode, the real services, a Sandbox PBX after a reboot wave of sipp phones. The banner, the
// review list with its selection, one confirmation naming the PBX and the count, the progress,
// the summary with the fix, and Restore all; in English and Japanese, at 1280 and 1920 px wide
// (screenshots in REGDESK_SHOTS_DIR when set).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { expect, it } from 'vitest';
import { contactId } from '../../src-main/core/contact-id';
import type { SecretStore } from '../../src-main/services/api';
import { createServices } from '../../src-main/services/create';
import { startWebServer } from '../../src-main/web/server';
import { parallel, rebootWave, type RebootWave } from '../support/reboot-wave';
import { describeInChromium } from './support/browser';
import { rendererDir } from './support/stack';

const SIZE = 12;
const WIDTHS = [1280, 1920];
const secrets: SecretStore = { isAvailable: () => true, encrypt: (p) => Buffer.from(p), decrypt: (s) => s.toString() };

const LABELS = {
  en: {
    locale: 'en-US',
    banner: `${SIZE} endpoints are refusing their phones: ${SIZE} stale contacts hold their slots`,
    review: 'Review the plan',
    remove: (n: number) => `Remove ${n} stale contacts`,
    confirmTitle: (n: number, pbx: string) => `Remove ${n} stale contacts from ${pbx}?`,
    run: (n: number) => `Remove ${n} contacts`,
    summary: (n: number) => `${n} removed, 0 skipped, 0 failed of ${n}`,
    restoreAll: 'Restore all',
    restored: (n: number) => `${n} restored, 0 not restored, 0 failed.`,
    explain: 'So that it does not happen again',
    reason: 'Left over by the phone refused from 127.0.1.1:',
  },
  ja: {
    locale: 'ja-JP',
    banner: `${SIZE} 件のエンドポイントが電話機を拒否しています：${SIZE} 件の古いコンタクトが枠を占めています`,
    review: '削除計画を確認',
    remove: (n: number) => `古いコンタクト ${n} 件を削除`,
    confirmTitle: (n: number, pbx: string) => `${pbx} から古いコンタクト ${n} 件を削除しますか？`,
    run: (n: number) => `${n} 件を削除`,
    summary: (n: number) => `${n} 件中 削除 ${n} 件、スキップ 0 件、失敗 0 件`,
    restoreAll: 'すべて復元',
    restored: (n: number) => `復元 ${n} 件、未復元 0 件、失敗 0 件。`,
    explain: '再発を防ぐには',
    reason: '127.0.1.1:',
  },
} as const;

async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.REGDESK_SHOTS_DIR;
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 1280 ? 800 : 1080 });
    if (dir) await page.screenshot({ path: join(dir, `${name}-${width}.png`) });
  }
}

interface Scene {
  page: Page;
  wave: RebootWave;
  pbxName: string;
}

/** A reboot wave, the services and browser mode on it, and a page showing the incident banner. */
async function withIncident(browser: Browser, language: keyof typeof LABELS, run: (scene: Scene) => Promise<void>): Promise<void> {
  const l = LABELS[language];
  const wave = await rebootWave(SIZE);
  const dataDir = mkdtempSync(join(tmpdir(), 'regdesk-e2e-incident-'));
  // Slow enough to see (and photograph) the progress.
  const services = await createServices({ dataDir, secrets, sandbox: false, batchRate: 3 });
  const web = await startWebServer({ services, rendererDir, port: 0 });
  const context = await browser.newContext({ locale: l.locale, viewport: { width: 1280, height: 800 } });
  try {
    const { login } = wave.sandbox;
    const pbxName = 'Head office';
    await services.addPbx({ name: pbxName, host: login.host, port: login.port, username: login.username, tls: false }, login.secret);
    const page = await context.newPage();
    await page.goto(web.url);
    await page.getByText(wave.phones[0]!.endpoint, { exact: true }).first().waitFor({ timeout: 15_000 });
    // The refused phones retry: RegDesk sees the refusals and the banner appears.
    expect((await parallel(wave.phones, (p) => wave.retry(p))).map((r) => r.status)).toEqual(wave.phones.map(() => 403));
    const banner = page.locator('[data-incident]');
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain(l.banner);
    // One banner, not a notice per refused phone.
    await expect.poll(() => page.locator('[data-alert-endpoint]').count()).toBe(0);
    await run({ page, wave, pbxName });
  } finally {
    await context.close();
    await web.close();
    await services.close();
    await wave.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function incidentFlow(browser: Browser, language: keyof typeof LABELS): Promise<void> {
  const l = LABELS[language];
  await withIncident(browser, language, async ({ page, wave, pbxName }) => {
    const banner = page.locator('[data-incident]');
    await shoot(page, `${language}-1-banner`);

    await banner.getByRole('button', { name: l.review }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.locator('[data-plan-endpoint]').count(), { timeout: 10_000 }).toBe(SIZE);
    expect(await dialog.locator('[data-plan-contact]').first().textContent()).toContain(l.reason);
    // Leave one endpoint out: the plan is per endpoint and per contact.
    const left = wave.phones[0]!;
    await dialog.locator(`[data-plan-endpoint="${left.endpoint}"] legend input`).uncheck();
    await shoot(page, `${language}-2-review`);
    await dialog.getByRole('button', { name: l.remove(SIZE - 1) }).click();
    await dialog.getByRole('heading', { name: l.confirmTitle(SIZE - 1, pbxName) }).waitFor();
    await shoot(page, `${language}-2-confirm`);
    await dialog.getByRole('button', { name: l.run(SIZE - 1) }).click();
    await dialog.locator('[data-progress]').waitFor();
    await expect.poll(async () => Number(await dialog.locator('progress').getAttribute('value')), { timeout: 10_000 }).toBeGreaterThan(0);
    await shoot(page, `${language}-3-progress`);

    await expect.poll(() => dialog.locator('[data-summary]').textContent().catch(() => ''), { timeout: 20_000 }).toContain(l.summary(SIZE - 1));
    await dialog.getByRole('heading', { name: l.explain }).waitFor();
    expect(await dialog.locator('pre').first().textContent()).toContain(`[${wave.phones[1]!.endpoint}](+)\nremove_existing=yes`);
    // The notices folded into the banner do not come back once the batch fixed their endpoints.
    expect(await page.locator('[data-alert-endpoint]').count()).toBe(0);
    await shoot(page, `${language}-4-summary`);
    const key = (p: (typeof wave.phones)[number]) => contactId(p.endpoint, p.desk.contactUri);
    expect(wave.sandbox.pbx.astdb.get('registrar/contact', key(left))).toBeDefined();
    for (const p of wave.phones.slice(1)) expect(wave.sandbox.pbx.astdb.get('registrar/contact', key(p))).toBeUndefined();

    await dialog.getByRole('button', { name: l.restoreAll }).click();
    await expect.poll(() => dialog.locator('[data-restored]').textContent().catch(() => ''), { timeout: 20_000 }).toContain(l.restored(SIZE - 1));
    await shoot(page, `${language}-5-restored`);
    for (const p of wave.phones) expect(wave.sandbox.pbx.astdb.get('registrar/contact', key(p))).toBeDefined();
  });
}

describeInChromium('browser e2e (incident mode)', 'incident mode in the browser after a reboot wave', (browser) => {
  it('shows the banner, reviews and runs the plan with progress, summarises with the fix, and restores all (English)', async () => {
    await incidentFlow(browser(), 'en');
  }, 120_000);

  it('does the same in Japanese', async () => {
    await incidentFlow(browser(), 'ja');
  }, 120_000);

  it('cancels a running batch: the summary says so and counts exactly what the PBX lost', async () => {
    await withIncident(browser(), 'en', async ({ page, wave }) => {
      await page.locator('[data-incident]').getByRole('button', { name: 'Review the plan' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: `Remove ${SIZE} stale contacts` }).click();
      // The admin slows this batch down to 2 per second.
      await dialog.getByLabel('Removals per second').fill('2');
      await dialog.getByLabel('Removals per second').dispatchEvent('change');
      await dialog.getByText('at most 2 per second').waitFor();
      await dialog.getByRole('button', { name: `Remove ${SIZE} contacts` }).click();
      await expect.poll(async () => Number(await dialog.locator('progress').getAttribute('value')), { timeout: 10_000 }).toBeGreaterThan(0);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.getByRole('heading', { name: 'Batch cancelled' }).waitFor({ timeout: 10_000 });
      const text = (await dialog.locator('[data-summary]').textContent()) ?? '';
      const removed = Number(/^(\d+) removed, 0 skipped, 0 failed of 12/.exec(text.trim())?.[1]);
      expect(removed).toBeGreaterThan(0);
      expect(removed).toBeLessThan(SIZE);
      const gone = wave.phones.filter((p) => wave.sandbox.pbx.astdb.get('registrar/contact', contactId(p.endpoint, p.desk.contactUri)) === undefined);
      expect(gone).toHaveLength(removed);
    });
  }, 120_000);
});
