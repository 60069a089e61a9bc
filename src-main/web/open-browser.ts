// "npm start opens RegDesk": in browser mode, open the default browser where there is a desktop
// session to show it (macOS, Windows, Linux with DISPLAY or WAYLAND_DISPLAY). Never fatal: the
// URL is printed either way, and over SSH there is nothing to open.
import { spawn } from 'node:child_process';

/** The command that opens `url` in the default browser here, or null without a desktop session. */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): [string, string[]] | null {
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  return ['xdg-open', [url]];
}

/** True when an opener was started (it may still fail: the printed URL is the fallback). */
export function openBrowser(url: string): boolean {
  const command = browserCommand(url);
  if (!command) return false;
  try {
    const child = spawn(command[0], command[1], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
