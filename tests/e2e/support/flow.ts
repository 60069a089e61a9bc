// The removal flow as an admin lives it, run by the browser-mode e2e (web-flow.test.ts):
// phones register, a refusal raises a notification, the stale contact is removed and undone.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { expect } from 'vitest';
import { freeUdpPort, labContactUri, registerPhone } from '../../support/sip-phone';

// Screenshots land in docs/screenshots/ when asked for (REGDESK_SCREENSHOTS=1), else test-results/.
const shotDir = process.env.REGDESK_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-results/screenshots';
const SOFTPHONE_UA = 'Zoiper 5.6.6';

export interface FlowTarget {
  /** Where the Sandbox PBX takes REGISTERs. */
  sipServer: { address: string; port: number };
  /** The contact ids stored in the PBX's AstDB (registrar/contact), read from the PBX itself. */
  storedContactIds(): Promise<string[]>;
  /** The PBX's name as the UI shows it in the refusal notification. */
  pbxName: string;
  /** Name prefix for the screenshots of this run. */
  shotPrefix: string;
}

export interface Labels {
  locale: string;
  refusedTitle: (pbxName: string) => string;
  showEndpoint: string;
  staleCandidate: string;
  removeContact: (uri: string) => string;
  confirmRemove: string;
  undo: string;
  restored: RegExp;
  copy: string;
  copied: string;
  suffix: string;
}

export const english: Labels = {
  locale: 'en-US',
  refusedTitle: (pbxName) => `Phone refused on ${pbxName}`,
  showEndpoint: 'Show endpoint',
  staleCandidate: 'Stale candidate',
  removeContact: (uri) => `Remove contact ${uri}`,
  confirmRemove: 'Remove contact',
  undo: 'Undo',
  restored: /Restored/,
  copy: 'Copy',
  copied: 'Copied',
  suffix: '',
};

export const japanese: Labels = {
  locale: 'ja-JP',
  refusedTitle: (pbxName) => `${pbxName} で電話機の登録が拒否されました`,
  showEndpoint: 'エンドポイントを表示',
  staleCandidate: '削除候補',
  removeContact: (uri) => `コンタクト ${uri} を削除`,
  confirmRemove: 'コンタクトを削除',
  undo: '元に戻す',
  restored: /を復元しました/,
  copy: 'コピー',
  copied: 'コピーしました',
  suffix: '-ja',
};

async function gauge(page: Page, endpoint: string): Promise<string | null> {
  return page.locator(`[data-endpoint="${endpoint}"] [data-gauge]`).textContent({ timeout: 1000 }).catch(() => null);
}

/** Runs the flow on a page that already shows RegDesk connected to the target's PBX. */
export async function runRemovalFlow(page: Page, target: FlowTarget, labels: Labels): Promise<void> {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  const phone = { server: target.sipServer, user: 'phone1', password: 'pw-phone1', expires: 3600 };
  const shot = (view: string) => page.screenshot({ path: join(shotDir, `${target.shotPrefix}${view}${labels.suffix}.png`) });
  mkdirSync(shotDir, { recursive: true });

  // The desk phone registers, reboots without unregistering and registers again from the
  // same port with a new Contact: Asterisk keeps both, and the AOR (max_contacts 2) is full.
  const deskPort = await freeUdpPort();
  const before = await registerPhone({ ...phone, localPort: deskPort, contactUri: labContactUri('phone1', deskPort) });
  const after = await registerPhone({ ...phone, localPort: deskPort, contactUri: labContactUri('phone1', deskPort) });
  expect([before.status, after.status]).toEqual([200, 200]);
  await expect.poll(() => gauge(page, 'phone1'), { timeout: 15_000 }).toBe('2/2');
  await shot('endpoint-table');

  // A softphone on another port is refused with 403: an in-page notification names the endpoint.
  const softPort = await freeUdpPort();
  const softphone = { ...phone, localPort: softPort, userAgent: SOFTPHONE_UA, contactUri: labContactUri('phone1', softPort) };
  expect((await registerPhone(softphone)).status).toBe(403);
  const alert = page.locator('[data-alert-endpoint="phone1"]');
  await expect.poll(() => alert.textContent({ timeout: 1000 }).catch(() => ''), { timeout: 15_000 }).toContain(labels.refusedTitle(target.pbxName));
  expect(await alert.textContent()).toContain(`127.0.0.1:${softPort}`);

  // Clicking it opens phone1 with the stale candidate selected: one of the desk phone's two
  // contacts (which one is core's call: both came from the same device), marked with its reason.
  await alert.getByRole('button', { name: labels.showEndpoint }).click();
  const selected = page.locator('.contact.selected');
  await selected.waitFor({ timeout: 10_000 });
  const staleId = (await selected.getAttribute('data-contact-id')) ?? '';
  expect(staleId).toMatch(/^phone1;@[0-9a-f]{32}$/);
  const staleUri = (await selected.locator('dd.mono').first().textContent()) ?? '';
  expect([before.contactUri, after.contactUri]).toContain(staleUri);
  expect(await selected.locator('[data-stale-reason]').getAttribute('data-stale-reason')).toBe('supersededBySameDevice');
  expect(await selected.textContent()).toContain(labels.staleCandidate);
  await shot('endpoint-detail');

  // The dial string RegDesk computes holds what Asterisk itself answers, and it copies.
  const computedDial = await page.locator('[data-dial="computed"]').textContent();
  expect(computedDial).toMatch(/^PJSIP\/phone1\/sip:phone1@127\.0\.0\.1:\d+;rinstance=[0-9a-f]{16}&PJSIP\/phone1\/sip:phone1@/);
  // Asterisk lists an AOR's contacts in no fixed order (core/dial-string.ts): compare the parts.
  const dialParts = (dial: string | null) => (dial ?? '').split('&').sort();
  await expect
    .poll(async () => dialParts(await page.locator('[data-dial="asterisk"]').textContent()), { timeout: 10_000 })
    .toEqual(dialParts(computedDial));
  await page.getByRole('button', { name: labels.copy, exact: true }).click();
  await expect.poll(() => page.getByRole('button', { name: labels.copied, exact: true }).count()).toBe(1);
  expect(await target.storedContactIds()).toContain(staleId);

  // Remove, confirm (the dialog names the contact), and the AstDB entry is gone.
  await selected.getByRole('button', { name: labels.removeContact(staleUri) }).click();
  const dialog = page.getByRole('dialog');
  expect(await dialog.textContent()).toContain(staleUri);
  expect(await dialog.textContent()).toContain(staleId);
  await shot('confirm-removal');
  await dialog.getByRole('button', { name: labels.confirmRemove, exact: true }).click();
  await expect.poll(() => target.storedContactIds(), { timeout: 10_000 }).not.toContain(staleId);

  // The refused softphone now gets 200 and the table shows it as the newest user agent.
  expect((await registerPhone(softphone)).status).toBe(200);
  await expect
    .poll(() => page.locator('[data-endpoint="phone1"] .ua').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 15_000 })
    .toBe(SOFTPHONE_UA);
  expect(await gauge(page, 'phone1')).toBe('2/2');

  // Undo puts the removed entry back into the AstDB.
  await page.getByRole('button', { name: labels.undo }).click();
  await expect.poll(() => target.storedContactIds(), { timeout: 10_000 }).toContain(staleId);
  await expect.poll(() => page.getByRole('status').filter({ hasText: labels.restored }).count(), { timeout: 10_000 }).toBe(1);
  expect(pageErrors).toEqual([]);
}

