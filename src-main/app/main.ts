// The Electron shell, kept thin: one hardened window, the ipc contract wired to the services,
// a tray whose icon says ok / warning / disconnected, and native notifications for refusals.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, session, shell, Tray } from 'electron';
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
import { denyPermissions, guardContents, isLocalRequest } from './guards';
import { isTrustedSender, securityHeaders, windowOptions } from './window-options';

const here = import.meta.dirname;
const pagePath = join(here, '../renderer/index.html');
const pageUrl = pathToFileURL(pagePath).href;
const iconDir = app.isPackaged ? join(process.resourcesPath, 'icons') : join(here, '../../resources/icons');

let window: BrowserWindow | null = null;
let tray: Tray | null = null;
let pbxs: PbxSummary[] = [];
let settings: Settings = { language: 'system', theme: 'system', startAtLogin: false, showSandbox: true };

function language(): Language {
  return settings.language === 'system' ? systemLanguage(app.getLocale()) : settings.language;
}

function text(key: MessageKey, params?: Record<string, string | number>): string {
  return translate(language(), key, params);
}

function send(message: PushedEvent): void {
  window?.webContents.send(eventChannel, message);
}

function showWindow(): BrowserWindow {
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
  win.on('closed', () => {
    if (window === win) window = null;
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

function trayImage(state: TrayState) {
  return nativeImage.createFromPath(join(iconDir, `tray-${state}.png`));
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
        checked: settings.startAtLogin,
        click: (item: Electron.MenuItem) => void applySettings(services, { ...settings, startAtLogin: item.checked }),
      },
      { label: text('tray.quit'), click: () => app.quit() },
    ]),
  );
}

async function applySettings(services: RegDeskServices, next: Settings): Promise<Settings> {
  settings = await services.setSettings(next);
  app.setLoginItemSettings({ openAtLogin: settings.startAtLogin });
  updateTray(services);
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

function notifyRefusal(alert: RefusalAlert): void {
  if (!Notification.isSupported()) return;
  const source = alert.source ? `${alert.source.addr}:${alert.source.port}` : text('alert.unknownSource');
  const params = { endpoint: alert.endpoint, source, max: alert.maxContacts ?? text('alert.unknownLimit'), count: alert.count };
  const notification = new Notification({
    title: text('alert.title', { pbx: alert.pbxName }),
    body: alert.count > 1 ? text('alert.bodyRepeated', params) : text('alert.body', params),
    icon: join(iconDir, 'icon.png'),
  });
  notification.on('click', () => {
    showWindow();
    send({ event: 'focusEndpoint', payload: { pbxId: alert.pbxId, endpoint: alert.endpoint, contactId: alert.staleCandidate } });
  });
  notification.show();
}

async function start(): Promise<void> {
  hardenSession();
  const services = await createServices({ dataDir: app.getPath('userData'), secrets: safeStorageSecretStore });
  settings = await services.getSettings();
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
  app.on('window-all-closed', () => {
    // The tray keeps RegDesk watching for refusals; Quit is in the tray menu.
  });
  app.on('activate', () => showWindow());
  void app.whenReady().then(start);
}
