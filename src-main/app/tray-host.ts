// Whether the tray can be seen, and so what closing the window does (plain Node, no Electron).
// Electron's Tray docs (electronjs.org/docs/latest/api/tray, "Platform Considerations"): on Linux
// the tray icon is a StatusNotifierItem, shown only where a StatusNotifierWatcher runs on the
// session bus (KDE, Xfce, Cinnamon, Ubuntu's GNOME with its AppIndicator extension; stock GNOME
// has none). Without one, hiding the window would leave RegDesk running with no way back to it:
// the window is minimised instead and stays in the taskbar, still raising notifications.
import { execFile } from 'node:child_process';

/** Runs a command and resolves with its stdout; rejects when it cannot run or fails. */
export type RunCommand = (command: string, args: string[]) => Promise<string>;

const WATCHER = 'org.kde.StatusNotifierWatcher';

export const runCommand: RunCommand = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 2000, encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });

/**
 * Asks the session bus whether a StatusNotifierWatcher owns its name (org.freedesktop.DBus
 * NameHasOwner), with dbus-send or else gdbus; null when neither could answer.
 */
export async function statusNotifierWatcherPresent(run: RunCommand = runCommand): Promise<boolean | null> {
  const askers: { command: string; args: string[]; answer: RegExp }[] = [
    {
      command: 'dbus-send',
      args: ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${WATCHER}`],
      answer: /\bboolean (true|false)\b/,
    },
    {
      command: 'gdbus',
      args: ['call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus', '--method', 'org.freedesktop.DBus.NameHasOwner', WATCHER],
      answer: /^\((true|false),\)/,
    },
  ];
  for (const { command, args, answer } of askers) {
    try {
      const match = answer.exec((await run(command, args)).trim());
      if (match) return match[1] === 'true';
    } catch {
      // Not installed, or no session bus: ask the next one.
    }
  }
  return null;
}

/** Whether the tray icon can be seen: always on macOS and Windows; on Linux, where a watcher hosts it. */
export async function trayIsShown(platform: NodeJS.Platform, run: RunCommand = runCommand): Promise<boolean> {
  if (platform === 'darwin' || platform === 'win32') return true;
  return (await statusNotifierWatcherPresent(run)) === true;
}

/**
 * What the window's close button does: `close` (RegDesk keeps watching from the tray) when the
 * tray can be seen, else `minimize`, so the window stays the way back. Asked at each close: a
 * desktop may start its tray host after RegDesk started at login.
 */
export function closeAction(trayShown: boolean): 'close' | 'minimize' {
  return trayShown ? 'close' : 'minimize';
}
