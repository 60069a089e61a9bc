import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { denyPermissions, guardContents, isLocalRequest } from '../../../src-main/app/guards';
import {
  contentSecurityPolicy,
  isAllowedExternalUrl,
  isTrustedSender,
  securityHeaders,
  windowOptions,
} from '../../../src-main/app/window-options';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('desktop window hardening', () => {
  const prefs = windowOptions('/app/out/preload/preload.cjs', '/app/resources/icons/icon.png').webPreferences;

  it('isolates and sandboxes the renderer with no Node access', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and every risky feature off', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.enableBlinkFeatures).toBe('');
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.preload).toMatch(/preload\.cjs$/);
  });

  it('has a strict CSP: own scripts only, no inline, no eval, no remote content', () => {
    const csp = directives(contentSecurityPolicy);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(contentSecurityPolicy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(securityHeaders['Content-Security-Policy']).toBe(contentSecurityPolicy);
  });

  it('repeats the same CSP in index.html', () => {
    const html = readFileSync('src-renderer/index.html', 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    // frame-ancestors is ignored in a meta tag, so the page repeats every other directive.
    const expected = contentSecurityPolicy
      .split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ');
    expect(meta?.[1]).toBe(expected);
  });

  it('opens only allowlisted https documentation links externally', () => {
    expect(isAllowedExternalUrl('https://docs.asterisk.org/Configuration/')).toBe(true);
    expect(isAllowedExternalUrl('http://docs.asterisk.org/')).toBe(false);
    expect(isAllowedExternalUrl('https://docs.asterisk.org.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://user@docs.asterisk.org/')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
  });

  it('trusts IPC only from our webContents showing our own file', () => {
    const ours = { webContentsId: 7, pageUrl: 'file:///opt/RegDesk/out/renderer/index.html' };
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'file:///opt/RegDesk/out/renderer/index.html#x' }, ours)).toBe(true);
    expect(isTrustedSender({ webContentsId: 8, frameUrl: 'file:///opt/RegDesk/out/renderer/index.html' }, ours)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'https://evil.example/' }, ours)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'file:///tmp/other.html' }, ours)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: null }, ours)).toBe(false);
  });
});

describe('desktop window runtime guards', () => {
  function fakeContents() {
    const listeners = new Map<string, (event: { preventDefault(): void }) => void>();
    let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
    return {
      listeners,
      open: (url: string) => openHandler!({ url }),
      on: (event: string, listener: (event: { preventDefault(): void }) => void) => listeners.set(event, listener),
      setWindowOpenHandler: (handler: (details: { url: string }) => { action: 'deny' }) => {
        openHandler = handler;
      },
    };
  }

  it('prevents navigation, redirects and webviews', () => {
    const contents = fakeContents();
    guardContents(contents, () => {});
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      contents.listeners.get(event)!({ preventDefault: () => (prevented = true) });
      expect(prevented, event).toBe(true);
    }
  });

  it('denies every new window, handing only allowlisted links to the OS browser', () => {
    const contents = fakeContents();
    const opened: string[] = [];
    guardContents(contents, (url) => opened.push(url));
    expect(contents.open('https://docs.asterisk.org/Configuration/Channel-Drivers/SIP/')).toEqual({ action: 'deny' });
    expect(contents.open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(contents.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.asterisk.org/Configuration/Channel-Drivers/SIP/']);
  });

  it('refuses every permission request and check but writing copied text to the clipboard', () => {
    let requestHandler: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | null = null;
    let checkHandler: ((c: unknown, p: string) => boolean) | null = null;
    denyPermissions({
      setPermissionRequestHandler: (handler) => (requestHandler = handler),
      setPermissionCheckHandler: (handler) => (checkHandler = handler),
    });
    const refused = ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen'];
    const answers: boolean[] = [];
    for (const permission of refused) requestHandler!(null, permission, (g) => answers.push(g));
    expect(answers).toEqual(refused.map(() => false));
    expect(refused.map((permission) => checkHandler!(null, permission))).toEqual(refused.map(() => false));
    expect(checkHandler!(null, 'clipboard-sanitized-write')).toBe(true);
  });

  it('lets only local requests through (no remote content)', () => {
    expect(isLocalRequest('file:///opt/RegDesk/out/renderer/assets/index.js')).toBe(true);
    expect(isLocalRequest('data:,')).toBe(true);
    expect(isLocalRequest('https://cdn.example/x.js')).toBe(false);
    expect(isLocalRequest('http://127.0.0.1:8080/')).toBe(false);
    expect(isLocalRequest('ws://127.0.0.1:8080/ws')).toBe(false);
  });
});
