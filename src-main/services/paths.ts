import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The folder Electron's app.getPath('userData') names for RegDesk (productName "RegDesk"),
 * so the CLI and browser mode share the desktop app's profiles, settings and audit log.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.REGDESK_DATA_DIR) return env.REGDESK_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'RegDesk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'RegDesk');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'RegDesk');
}
