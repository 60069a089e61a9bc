// "Connect through SSH" in a real browser: a PBX profile through a real sshd (127.0.0.1, free
// port, throwaway keys) to the Sandbox PBX's AMI, refused for its unknown host key with the
// fingerprint ssh-keygen prints, pinned from the edit form with one click, then live. Debian
// Chromium drives the built renderer in browser mode. REGDESK_SSH_SCREENSHOTS=DIR also saves
// the form in English and Japanese at 1280 and 1920 px wide.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegDeskServices } from '../../src-main/services/api';
import { createServices } from '../../src-main/services/create';
import { startSandboxHost, type SandboxHost } from '../../src-main/services/sandbox-host';
import { startWebServer, type WebServer } from '../../src-main/web/server';
import { canRunSshd, startSshd, type TestSshd } from '../support/sshd';
import { findChromium, launchChromium } from './support/browser';
import { haveChromium, reversingKeystore, textOf } from './support/trust';
import { rendererDir } from './support/stack';

const screenshotDir = process.env.REGDESK_SSH_SCREENSHOTS ?? null;

async function screenshot(page: Page, name: string): Promise<void> {
  if (screenshotDir === null) return;
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 1000 });
    await page.screenshot({ path: join(screenshotDir, `${name}-${width}.png`), fullPage: true });
  }
}

describe.runIf(canRunSshd() && haveChromium('SSH trust e2e'))('trusting an SSH host key in the browser', () => {
  let sshd: TestSshd;
  let sandbox: SandboxHost;
  let services: RegDeskServices;
  let dataDir: string;

  beforeAll(async () => {
    [sshd, sandbox] = await Promise.all([startSshd(), startSandboxHost()]);
    dataDir = mkdtempSync(join(tmpdir(), 'regdesk-e2e-ssh-'));
    services = await createServices({ dataDir, secrets: reversingKeystore, sandbox: false, knownHostsFile: join(dataDir, 'none'), sshAgent: null });
  }, 30_000);

  afterAll(async () => {
    await services?.close();
    await sandbox?.close();
    await sshd?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  for (const [locale, words] of [
    ['en-US', { add: 'Add PBX', name: 'Name', ssh: 'Connect through SSH', sshHost: 'SSH host', sshPort: 'SSH port', sshUser: 'SSH user', auth: 'SSH authentication', keyFile: 'Private key file (OpenSSH format)', port: 'AMI port', host: 'Host', user: 'AMI user', secret: 'AMI secret', save: 'Save', edit: 'Edit', unknown: 'host key is not known', trust: 'Trust this host key', pin: 'Pinned host key (SHA256 fingerprint)', live: 'Live' }],
    ['ja-JP', { add: 'PBX を追加', name: '名前', ssh: 'SSH 経由で接続する', sshHost: 'SSH ホスト', sshPort: 'SSH ポート', sshUser: 'SSH ユーザー', auth: 'SSH の認証方法', keyFile: '秘密鍵ファイル（OpenSSH 形式）', port: 'AMI ポート', host: 'ホスト', user: 'AMI ユーザー', secret: 'AMI シークレット', save: '保存', edit: '編集', unknown: 'ホスト鍵が未知です', trust: 'このホスト鍵を信頼する', pin: '固定するホスト鍵（SHA256 フィンガープリント）', live: '稼働中' }],
  ] as const) {
    it(`shows the refused host key's fingerprint in the edit form, pins it with one click, and goes live (${locale})`, async () => {
      // The one-time link is spent by the first browser that opens it: one server per locale.
      const web: WebServer = await startWebServer({ services, rendererDir, port: 0 });
      const browser = await launchChromium(findChromium()!);
      try {
        const page = await browser.newPage({ locale });
        await page.goto(web.url);
        await page.getByRole('button', { name: words.add }).click();
        const form = page.getByRole('dialog');
        const pbxName = `SSH PBX ${locale}`;
        await form.getByLabel(words.name).fill(pbxName);
        await form.getByLabel(words.ssh).check();
        expect(await form.getByLabel(words.host, { exact: true }).inputValue()).toBe('127.0.0.1');
        await form.getByLabel(words.port).fill(String(sandbox.login.port));
        await form.getByLabel(words.user).fill(sandbox.login.username);
        await form.getByLabel(words.secret).fill(sandbox.login.secret);
        await form.getByLabel(words.sshHost).fill(sshd.host);
        expect(await form.getByLabel(words.sshPort).inputValue()).toBe('22');
        await form.getByLabel(words.sshPort).fill(String(sshd.port));
        await form.getByLabel(words.sshUser).fill('root');
        await form.getByLabel(words.auth).selectOption('key');
        await form.getByLabel(words.keyFile).fill(sshd.keys.ed25519.privateKeyFile);
        await screenshot(page, `ssh-form-${locale}`);
        await form.getByRole('button', { name: words.save }).click();

        const entry = page.getByRole('listitem').filter({ hasText: pbxName });
        await expect.poll(textOf(entry), { timeout: 15_000 }).toContain(words.unknown);
        await entry.getByRole('button', { name: words.edit }).click();
        const edit = page.getByRole('dialog');
        const offer = edit.getByRole('alert');
        await expect.poll(textOf(offer), { timeout: 5_000 }).toContain(sshd.hostKeyFingerprint);
        expect(await offer.textContent()).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
        await screenshot(page, `ssh-trust-${locale}`);
        const pin = edit.getByLabel(words.pin);
        expect(await pin.inputValue()).toBe('');
        await offer.getByRole('button', { name: words.trust }).click();
        expect(await pin.inputValue()).toBe(sshd.hostKeyFingerprint);
        await edit.getByRole('button', { name: words.save }).click();

        await expect.poll(textOf(entry), { timeout: 15_000 }).toContain(words.live);
        const saved = (await services.listPbxs()).find((p) => p.name === pbxName);
        expect(saved?.ssh).toMatchObject({ host: '127.0.0.1', port: sshd.port, username: 'root', auth: 'key', hostKeyFingerprint: sshd.hostKeyFingerprint });
        expect(saved?.state).toBe('live');
      } finally {
        await browser.close();
        await web.close();
      }
    }, 90_000);
  }
});
