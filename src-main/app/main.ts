// The Electron shell, kept thin: one hardened window, the ipc contract wired to the services,
// a tray whose icon says ok / warning / disconnected, and native notifications for refusals.
// What differs per OS is decided in the plain modules beside this file (tested under Node).
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, session, shell, Tray } from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerIpcHandlers, pushServiceEvents } from '../ipc/electron-handlers';
import { eventChannel, type PushedEvent } from '../ipc/contract';
import { createServices } from '../services/create';
import { ServiceFailure, type PbxSummary, type RefusalAlert, type RegDeskServices, type Settings } from '../services/api';
import { systemLanguage, translate, type Language } from '../i18n/translate';
import type { MessageKey } from '../i18n/en';
import { safeStorageSecretStore } from './secret-store';
import { totalWarnings, trayState, type TrayState } from './tray-state';
import { trayIconFile } from './tray-icons';
import { closeAction, trayIsShown } from './tray-host';
import { denyPermissions, guardContents, isLocalRequest } from './guards';
import { isTrustedSender, securityHeaders, windowOptions } from './window-options';
import { appUserModelId } from './app-identity';
import { loginItemFor } from './login-item';
import { launchCommand, xdgAutostart } from './xdg-autostart';
import { refusalNotification } from './refusal-notification';

// Windows shows our toasts only under the AppUserModelID of the Start-menu shortcut the installer
// made; set before any notification, and before the login item (whose registry value name
// defaults to it). app.setAppUserModelId is Windows-only (Electron app docs).
if (process.platform === 'win32') app.setAppUserModelId(appUserModelId);

const here = import.meta.dirname;
const pagePath = join(here, '../renderer/index.html');
const pageUrl = pathToFileURL(pagePath).href;
const iconDir = app.isPackaged ? join(process.resourcesPath, 'icons') : join(here, '../../resources/icons');

let window: BrowserWindow | null = null;
let tray: Tray | null = null;
let pbxs: PbxSummary[] = [];
let settings: Settings = { language: 'system', theme: 'system', startAtLogin: false, showSandbox: true };
let quitting = false;

const launch = launchCommand({ execPath: process.execPath, isPackaged: app.isPackaged, appPath: app.getAppPath(), env: process.env });
/** Start at login as the OS really holds it (login-item.ts): the settings file only follows it. */
const loginItem = loginItemFor(process.platform, {
  electron: app,
  command: launch,
  xdg: xdgAutostart(
    { env: process.env, home: homedir(), name: 'regdesk' },
    { displayName: 'RegDesk', comment: 'PJSIP registrations and max_contacts alerts for Asterisk', command: launch },
  ),
});

function language(): Language {
  return settings.language === 'system' ? systemLanguage(app.getLocale()) : settings.language;
}

function text(key: MessageKey, params?: Record<string, string | number>): string {
  return translate(language(), key, params);
}

function showWindow(): BrowserWindow {
  // Tray apps on macOS have no Dock icon while only the tray is open; the window brings it back.
  void app.dock?.show();
  if (window === null || window.isDestroyed()) window = createWindow();
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  return window;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(join(here, '../preload/preload.cjs'), join(iconDir, 'icon.png')));
  guardContents(win.webContents, (url) => void shell.openExternal(url));
  win.once('ready-to-show', () => win.show());
  // Closing leaves RegDesk watching in the tray, but only where a tray can be seen (tray-host.ts):
  // on a Linux desktop without a StatusNotifierItem host the window is minimised instead, so it
  // stays the way back. Quit (tray menu; File → Quit of Electron's default application menu,
  // docs tutorial/application-menu; Cmd+Q) closes for real. macOS and Windows
  // always show the tray: their close is never held up (nor a Windows shutdown, which does not
  // emit before-quit).
  win.on('close', (event) => {
    if (quitting || process.platform !== 'linux') return;
    event.preventDefault();
    void trayIsShown(process.platform).then((shown) => {
      if (win.isDestroyed()) return;
      if (closeAction(shown) === 'minimize') win.minimize();
      else win.destroy();
    });
  });
  win.on('closed', () => {
    if (window === win) window = null;
    if (!quitting) app.dock?.hide();
  });
  void win.loadFile(pagePath);
  return win;
}

function hardenSession(): void {
  const ses = session.defaultSession;
  denyPermissions(ses);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, ...Object.fromEntries(Object.entries(securityHeaders).map(([k, v]) => [k, [v]])) } });
  });
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isLocalRequest(details.url) }));
}

/** The tray image for this OS (tray-icons.ts): a menu-bar template on macOS, an ICO on Windows. */
function trayImage(state: TrayState) {
  const image = nativeImage.createFromPath(join(iconDir, trayIconFile(process.platform, state)));
  if (process.platform === 'darwin') image.setTemplateImage(true);
  return image;
}

function updateTray(services: RegDeskServices): void {
  if (tray === null) return;
  const state = trayState(pbxs);
  tray.setImage(trayImage(state));
  tray.setToolTip(
    text('tray.tooltip', {
      state: state === 'warning' ? text('tray.warning', { count: totalWarnings(pbxs) }) : text(`tray.${state}` as const),
    }),
  );
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: text('tray.open'), click: () => showWindow() },
      { type: 'separator' },
      ...pbxs.map((pbx) => ({
        label: `${pbx.kind === 'sandbox' ? text('pbx.sandbox') : pbx.name}: ${text(`state.${pbx.state}` as const)}${
          pbx.warnings > 0 ? ` (${text('pbx.warnings', { count: pbx.warnings })})` : ''
        }`,
        click: () => showWindow(),
      })),
      { type: 'separator' },
      {
        label: text('settings.startAtLogin'),
        type: 'checkbox' as const,
        checked: loginItem.isEnabled(),
        click: (item: Electron.MenuItem) =>
          void applySettings(services, { ...settings, startAtLogin: item.checked }).catch((error: unknown) => {
            console.warn(`regdesk: Start at login could not be changed: ${error instanceof Error ? error.message : String(error)}`);
            updateTray(services);
          }),
      },
      { label: text('tray.quit'), click: () => app.quit() },
    ]),
  );
}

/** Applies settings; startAtLogin is then read back from the OS, and that is what is saved and shown. */
async function applySettings(services: RegDeskServices, next: Settings): Promise<Settings> {
  let failure: unknown = null;
  if (next.startAtLogin !== loginItem.isEnabled()) {
    try {
      loginItem.setEnabled(next.startAtLogin);
    } catch (error) {
      failure = error;
    }
  }
  settings = await services.setSettings({ ...next, startAtLogin: loginItem.isEnabled() });
  updateTray(services);
  if (failure !== null) throw failure;
  return settings;
}

/** Without an OS keystore a secret can only be kept in memory: ask the admin before doing so. */
async function confirmSecretWithoutKeystore(secret: string | null): Promise<void> {
  if (secret === null || safeStorageSecretStore.isAvailable()) return;
  const options = {
    type: 'warning' as const,
    title: text('keystore.title'),
    message: text('keystore.title'),
    detail: text('keystore.body'),
    buttons: [text('keystore.keep'), text('keystore.cancel')],
    defaultId: 1,
    cancelId: 1,
  };
  const answer = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  if (answer.response !== 0) throw new ServiceFailure('noKeystore', 'the admin chose not to keep the secret without a keystore');
}

/**
 * The services as the renderer sees them, with the shell's part added: saving settings also
 * applies them (login item, tray), and a secret is only accepted without a keystore once asked.
 */
function withShell(services: RegDeskServices): RegDeskServices {
  const shellOperations: Partial<RegDeskServices> = {
    getSettings: async () => ({ ...(await services.getSettings()), startAtLogin: loginItem.isEnabled() }),
    setSettings: (next) => applySettings(services, next),
    addPbx: async (profile, secret) => {
      await confirmSecretWithoutKeystore(secret);
      return services.addPbx(profile, secret);
    },
    updatePbx: async (pbxId, profile, secret) => {
      await confirmSecretWithoutKeystore(secret);
      return services.updatePbx(pbxId, profile, secret);
    },
  };
  return new Proxy(services, {
    get(target, property) {
      if (Object.hasOwn(shellOperations, property)) return shellOperations[property as keyof RegDeskServices];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Shows the window and opens an endpoint in it, once its page has loaded (a window closed to the tray is created anew). */
function focusEndpoint(payload: { pbxId: string; endpoint: string; contactId: string | null }): void {
  const win = showWindow();
  const deliver = () => {
    if (!win.isDestroyed()) win.webContents.send(eventChannel, { event: 'focusEndpoint', payload } satisfies PushedEvent);
  };
  if (win.webContents.isLoading()) win.webContents.once('did-finish-load', deliver);
  else deliver();
}

/**
 * The notification shown last for each endpoint, kept referenced: a collected Notification no
 * longer delivers its click (Electron's Notification docs, getHistory / handleActivation), and
 * the previous one of an endpoint is closed before its replacement shows (Linux has no id).
 */
const shownRefusals = new Map<string, Notification>();
const MAX_KEPT_NOTIFICATIONS = 50;

function notifyRefusal(alert: RefusalAlert): void {
  if (!Notification.isSupported()) return;
  const spec = refusalNotification(alert, language(), process.platform);
  shownRefusals.get(spec.id)?.close();
  shownRefusals.delete(spec.id);
  const notification = new Notification({ ...spec, icon: join(iconDir, 'icon.png') });
  const open = () => focusEndpoint({ pbxId: alert.pbxId, endpoint: alert.endpoint, contactId: alert.staleCandidate });
  notification.on('click', open);
  notification.on('action', open); // its one button, "Show"
  notification.on('failed', (_event, error) => console.warn(`regdesk: the notification for ${alert.endpoint} could not be shown: ${error}`));
  shownRefusals.set(spec.id, notification);
  const oldest = shownRefusals.keys().next().value;
  if (shownRefusals.size > MAX_KEPT_NOTIFICATIONS && oldest !== undefined) shownRefusals.delete(oldest);
  notification.show();
  // For the Electron e2e (tests/e2e/electron-flow.test.ts), which listens through Playwright; nothing else does.
  app.emit('regdesk-notification-shown', notification);
}

async function start(): Promise<void> {
  hardenSession();
  const services = await createServices({ dataDir: app.getPath('userData'), secrets: safeStorageSecretStore });
  settings = await services.getSettings();
  // The admin may have removed the login item in the OS's own settings since: follow the OS.
  if (settings.startAtLogin !== loginItem.isEnabled()) settings = await services.setSettings({ ...settings, startAtLogin: loginItem.isEnabled() });
  pbxs = await services.listPbxs();

  registerIpcHandlers(ipcMain, withShell(services), (event) =>
    window !== null &&
    isTrustedSender({ webContentsId: event.sender.id, frameUrl: event.senderFrame?.url ?? null }, { webContentsId: window.webContents.id, pageUrl }),
  );
  pushServiceEvents(services, (channel, message) => window?.webContents.send(channel, message));
  services.on('pbxChanged', (pbx) => {
    pbxs = [...pbxs.filter((p) => p.id !== pbx.id), pbx];
    updateTray(services);
  });
  services.on('pbxRemoved', ({ pbxId }) => {
    pbxs = pbxs.filter((p) => p.id !== pbxId);
    updateTray(services);
  });
  services.on('refusalAlert', notifyRefusal);

  tray = new Tray(trayImage(trayState(pbxs)));
  tray.on('click', () => showWindow());
  updateTray(services);
  showWindow();

  app.on('before-quit', () => void services.close());
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  // From here on, closing a window closes it (see createWindow's 'close' handler).
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('window-all-closed', () => {
    // The tray keeps RegDesk watching for refusals; Quit is in the tray menu.
  });
  app.on('activate', () => showWindow());
  void app.whenReady().then(start);
}
