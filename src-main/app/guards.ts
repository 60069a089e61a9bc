// The window's runtime guards, typed structurally so they need no Electron import and a unit
// test can drive them: no navigation, no new windows, no webviews, no permissions, no remote
// requests. app/main.ts applies them to the real webContents and session.
import { isAllowedExternalUrl } from './window-options';

interface PreventableEvent {
  preventDefault(): void;
}

export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface GuardedSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

/** Blocks navigation and new windows; an allowlisted link is handed to the OS browser instead. */
export function guardContents(contents: GuardedContents, openExternal: (url: string) => void): void {
  const block = (event: PreventableEvent) => event.preventDefault();
  contents.on('will-navigate', block);
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', block);
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** The one permission the page uses: writing text to the clipboard (the dial string's Copy button). */
const grantedPermissions = new Set(['clipboard-sanitized-write']);

/** Every other permission (camera, geolocation, notifications from the page, reading the clipboard, ...) is refused. */
export function denyPermissions(session: GuardedSession): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(grantedPermissions.has(permission)));
  session.setPermissionCheckHandler((_contents, permission) => grantedPermissions.has(permission));
}

/** The renderer is a local bundle: any request that is not file:, data: or devtools: is cancelled. */
export function isLocalRequest(url: string): boolean {
  return url.startsWith('file:') || url.startsWith('data:') || url.startsWith('devtools:');
}
