// The hardening values of the desktop window, in a plain module (no Electron import) so that a
// unit test can read them and fail if any is off. app/main.ts uses exactly these.

/**
 * Content-Security-Policy for the renderer, sent as a response header (Electron session, browser
 * mode) and repeated in index.html. Only our own bundled scripts and styles; no inline script,
 * no eval, no frames, no plugins, no remote content. connect-src 'self' lets browser mode open
 * its WebSocket back to the serving origin (CSP3: 'self' covers ws: of the same host and port).
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
].join('; ');

/** Security headers every renderer response carries. */
export const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** The BrowserWindow options of the one window (a structural subset of Electron's). */
export function windowOptions(preloadPath: string, iconPath: string) {
  return {
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'RegDesk',
    icon: iconPath,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  } as const;
}

/** Links the app may hand to the OS browser (documentation only); everything else is dropped. */
export const externalUrlAllowlist: readonly string[] = [
  'https://docs.asterisk.org/',
  'https://github.com/asterisk/asterisk/',
];

export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  return externalUrlAllowlist.some((prefix) => parsed.href.startsWith(prefix));
}

/** True when an IPC call comes from our window's webContents showing our own bundled page. */
export function isTrustedSender(
  sender: { webContentsId: number; frameUrl: string | null },
  ours: { webContentsId: number; pageUrl: string },
): boolean {
  if (sender.webContentsId !== ours.webContentsId || sender.frameUrl === null) return false;
  const frame = new URL(sender.frameUrl);
  const page = new URL(ours.pageUrl);
  return frame.protocol === 'file:' && page.protocol === 'file:' && frame.pathname === page.pathname;
}
