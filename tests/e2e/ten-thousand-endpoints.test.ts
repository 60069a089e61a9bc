// 10,000 endpoints in a live Sandbox PBX, synced by the real services over AMI, in the browser:
// the table renders them through its window (not 10,000 DOM rows) and filters correctly.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium } from './support/browser';
import { bundledSandboxConfig, startStack, type Stack } from './support/stack';

const ENDPOINTS = 10_000;

function tenThousandEndpointConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regdesk-10k-'));
  copyFileSync(join(bundledSandboxConfig, 'manager.conf'), join(dir, 'manager.conf'));
  const sections = ['[transport-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:5060\n'];
  for (let i = 1; i <= ENDPOINTS; i++) {
    const name = `ep${String(i).padStart(5, '0')}`;
    sections.push(`[${name}]\ntype = endpoint\naors = ${name}\n\n[${name}]\ntype = aor\nmax_contacts = ${1 + (i % 3)}\n`);
  }
  writeFileSync(join(dir, 'pjsip.conf'), sections.join('\n'));
  return dir;
}

describeInChromium('browser e2e (10,000 endpoints)', 'the endpoint table with 10,000 endpoints', (browser) => {
  let stack: Stack;
  let configDir: string;

  beforeAll(async () => {
    configDir = tenThousandEndpointConfig();
    stack = await startStack({ configDir });
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it('renders all 10,000 through a window of DOM rows and filters as you type', async () => {
    const page = await browser().newPage({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(stack.web.url);
      const count = page.locator('.count');
      await expect.poll(() => count.textContent(), { timeout: 60_000 }).toBe(`${ENDPOINTS} of ${ENDPOINTS} endpoints`);
      const rendered = await page.locator('[data-endpoint]').count();
      expect(rendered).toBeGreaterThan(10);
      expect(rendered).toBeLessThan(100);
      // The window is the table's whole height (its layout is contained, not collapsed).
      expect(await page.locator('.viewport').evaluate((el) => el.clientHeight)).toBeGreaterThan(500);
      expect(await page.locator('[data-endpoint]').first().getAttribute('data-endpoint')).toBe('ep00001');

      // Keyboard: / focuses the filter; typing narrows the table at each keystroke.
      await page.locator('body').press('/');
      await page.keyboard.type('ep0999');
      await expect.poll(() => count.textContent()).toBe(`10 of ${ENDPOINTS} endpoints`);
      const names = await page.locator('[data-endpoint]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-endpoint')));
      expect(names).toEqual(['ep09990', 'ep09991', 'ep09992', 'ep09993', 'ep09994', 'ep09995', 'ep09996', 'ep09997', 'ep09998', 'ep09999']);

      // Arrow keys move through the filtered rows; Enter opens the endpoint, Escape closes it.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#detail-title').textContent()).toBe('ep09991');
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('#detail-title').count()).toBe(0);

      // Deleting characters widens the table back to what the shorter query showed; retyping narrows it.
      const filter = page.locator('input[type=search]');
      await filter.press('End');
      await filter.press('Backspace');
      await filter.press('Backspace');
      await expect.poll(() => count.textContent()).toBe(`1000 of ${ENDPOINTS} endpoints`);
      expect(await page.locator('[data-endpoint]').first().getAttribute('data-endpoint')).toBe('ep09000');
      await filter.press('5');
      await expect.poll(() => count.textContent()).toBe(`100 of ${ENDPOINTS} endpoints`);
      expect(await page.locator('[data-endpoint]').first().getAttribute('data-endpoint')).toBe('ep09500');

      // Scrolling the cleared table far down renders the rows there, still as a window.
      await page.fill('input[type=search]', '');
      await expect.poll(() => count.textContent()).toBe(`${ENDPOINTS} of ${ENDPOINTS} endpoints`);
      await page.locator('.viewport').evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await expect.poll(() => page.locator('[data-endpoint="ep10000"]').count()).toBe(1);
      expect(await page.locator('[data-endpoint]').count()).toBeLessThan(100);
    } finally {
      await page.close();
    }
  }, 120_000);
});
