// "Start at login" on each OS, read back from what the OS really holds so the tray and the
// window never show a checkbox that is not true (plain module: Electron's app is passed in,
// typed structurally). From Electron's app docs (getLoginItemSettings / setLoginItemSettings):
// - macOS: `status` (macOS 13+, SMAppService) is `enabled` only once registered and allowed; a
//   login item waiting for the user's approval in System Settings (`requires-approval`) does
//   not start yet. Older macOS has no `status`: `openAtLogin`.
// - Windows: `executableWillLaunchAtLogin` is false when the Run key is missing or the user
//   turned the app off in Task Manager's Startup tab, which `openAtLogin` does not see. The same
//   path and args must be passed to read as to write.
// - Linux: Electron has no login items; the XDG autostart entry (xdg-autostart.ts) is the truth.
import type { XdgAutostart } from './xdg-autostart';

export interface LoginItem {
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
}

/** The part of Electron's `app` used here. */
export interface ElectronLoginItems {
  getLoginItemSettings(options?: { path?: string; args?: string[] }): {
    openAtLogin: boolean;
    status?: string;
    executableWillLaunchAtLogin?: boolean;
  };
  setLoginItemSettings(settings: { openAtLogin: boolean; path?: string; args?: string[] }): void;
}

export function loginItemFor(platform: NodeJS.Platform, backends: { electron: ElectronLoginItems; xdg: XdgAutostart; command: readonly string[] }): LoginItem {
  const { electron, xdg, command } = backends;
  if (platform === 'darwin') {
    return {
      isEnabled() {
        const state = electron.getLoginItemSettings();
        return state.status === undefined ? state.openAtLogin : state.status === 'enabled';
      },
      setEnabled: (enabled) => electron.setLoginItemSettings({ openAtLogin: enabled }),
    };
  }
  if (platform === 'win32') {
    const launch = { path: command[0]!, args: command.slice(1) };
    return {
      isEnabled() {
        const state = electron.getLoginItemSettings(launch);
        return state.executableWillLaunchAtLogin ?? state.openAtLogin;
      },
      setEnabled: (enabled) => electron.setLoginItemSettings({ openAtLogin: enabled, ...launch }),
    };
  }
  return xdg;
}
