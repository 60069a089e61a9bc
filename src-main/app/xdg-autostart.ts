// "Start at login" on Linux. Electron's app.setLoginItemSettings works on macOS and Windows only
// (electronjs.org/docs/latest/api/app#appsetloginitemsettingssettings-macos-windows); Linux
// desktops start what the XDG Autostart spec lists: a desktop entry in $XDG_CONFIG_HOME/autostart
// (specifications.freedesktop.org/autostart-spec). Plain Node, no Electron import.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../services/atomic-file';

export interface AutostartPlace {
  env: NodeJS.ProcessEnv;
  home: string;
  /** The entry's file name without `.desktop`. */
  name: string;
}

/**
 * $XDG_CONFIG_HOME/autostart/<name>.desktop; $XDG_CONFIG_HOME unset, empty or relative means
 * ~/.config (XDG Base Directory spec: relative paths are invalid and ignored).
 */
export function autostartEntryPath(place: AutostartPlace): string {
  const configHome = place.env.XDG_CONFIG_HOME;
  const base = configHome && isAbsolute(configHome) ? configHome : join(place.home, '.config');
  return join(base, 'autostart', `${place.name}.desktop`);
}

/**
 * The command a login should run: the AppImage file itself when run as one (its runtime sets
 * $APPIMAGE; process.execPath is then inside a temporary mount that is gone after exit), else
 * the running binary, plus the app folder when it is a development Electron.
 */
export function launchCommand(running: { execPath: string; isPackaged: boolean; appPath: string; env: NodeJS.ProcessEnv }): string[] {
  if (running.env.APPIMAGE) return [running.env.APPIMAGE];
  return running.isPackaged ? [running.execPath] : [running.execPath, running.appPath];
}

// Desktop Entry spec, "The Exec key": an argument holding a reserved character is quoted, and in
// quotes `"`, backquote, `$` and `\` take a backslash; `%` is written `%%`. The value is a string,
// whose own escaping (`\\` for `\`) applies on top.
const RESERVED = /[\s"'\\><~|&;$*?#()`%]/;

function quoteArgument(arg: string): string {
  if (/[\r\n]/.test(arg)) throw new Error(`an autostart command cannot hold a line break: ${JSON.stringify(arg)}`);
  const quoted = RESERVED.test(arg) ? `"${arg.replace(/["`$\\]/g, '\\$&')}"` : arg;
  return quoted.replaceAll('%', '%%').replaceAll('\\', '\\\\');
}

export function execLine(command: readonly string[]): string {
  return command.map(quoteArgument).join(' ');
}

/** The Exec value split back into arguments (field codes such as %U kept as they are). */
export function parseExec(value: string): string[] {
  // The string escapes first (only those the spec defines; a lone `\"` as many files write it is kept for the quoting rule).
  const unescaped = value.replace(/\\(.)/g, (whole, c: string) => ({ s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' })[c] ?? whole);
  const args: string[] = [];
  let current: string | null = null;
  let inQuotes = false;
  for (let i = 0; i < unescaped.length; i++) {
    const c = unescaped[i]!;
    if (inQuotes) {
      if (c === '\\' && i + 1 < unescaped.length) current += unescaped[++i]!;
      else if (c === '"') inQuotes = false;
      else current += c;
    } else if (c === ' ' || c === '\t') {
      if (current !== null) args.push(current);
      current = null;
    } else if (c === '"') {
      inQuotes = true;
      current ??= '';
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== null) args.push(current);
  return args.map((arg) => (/^%[a-zA-Z]$/.test(arg) ? arg : arg.replaceAll('%%', '%')));
}

export function autostartEntry(opts: { displayName: string; comment: string; command: readonly string[] }): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    `Name=${opts.displayName}`,
    `Comment=${opts.comment}`,
    `Exec=${execLine(opts.command)}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** The keys of the [Desktop Entry] group (other groups and comments skipped). */
export function desktopEntryKeys(text: string): Map<string, string> | null {
  const keys = new Map<string, string>();
  let group: string | null = null;
  let sawEntry = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      group = line;
      sawEntry ||= group === '[Desktop Entry]';
      continue;
    }
    const eq = line.indexOf('=');
    if (group === '[Desktop Entry]' && eq > 0) keys.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sawEntry ? keys : null;
}

/**
 * Whether a login really starts `command` from this entry: it exists, is an application not
 * hidden (Hidden=true means deleted, per the spec) nor switched off in GNOME's settings, and its
 * Exec starts with the command (an entry GNOME Tweaks copied from the menu, `Exec=... %U`,
 * counts; one left by an AppImage since moved does not).
 */
export function entryStartsCommand(text: string, command: readonly string[]): boolean {
  const keys = desktopEntryKeys(text);
  if (keys === null || keys.get('Type') !== 'Application') return false;
  if (keys.get('Hidden') === 'true' || keys.get('X-GNOME-Autostart-enabled') === 'false') return false;
  const exec = parseExec(keys.get('Exec') ?? '');
  return command.every((arg, i) => exec[i] === arg);
}

export interface XdgAutostart {
  path: string;
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
}

export function xdgAutostart(place: AutostartPlace, entry: { displayName: string; comment: string; command: readonly string[] }): XdgAutostart {
  const path = autostartEntryPath(place);
  return {
    path,
    isEnabled: () => existsSync(path) && entryStartsCommand(readFileSync(path, 'utf8'), entry.command),
    setEnabled(enabled) {
      if (enabled) writeFileAtomic(path, autostartEntry(entry), 0o644);
      else rmSync(path, { force: true });
    },
  };
}
