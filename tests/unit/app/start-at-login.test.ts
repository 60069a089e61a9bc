import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginItemFor, type ElectronLoginItems } from '../../../src-main/app/login-item';
import { autostartEntryPath, execLine, launchCommand, parseExec, xdgAutostart } from '../../../src-main/app/xdg-autostart';

const entry = { displayName: 'RegDesk', comment: 'PJSIP registrations', command: ['/opt/RegDesk/regdesk'] };

describe('the XDG autostart entry (Start at login on Linux)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'regdesk-autostart-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives in $XDG_CONFIG_HOME/autostart, or ~/.config/autostart when that is unset, empty or relative', () => {
    const place = (XDG_CONFIG_HOME?: string) => ({ env: { XDG_CONFIG_HOME }, home: '/home/admin', name: 'regdesk' });
    expect(autostartEntryPath(place('/tmp/cfg'))).toBe('/tmp/cfg/autostart/regdesk.desktop');
    expect(autostartEntryPath(place(undefined))).toBe('/home/admin/.config/autostart/regdesk.desktop');
    expect(autostartEntryPath(place(''))).toBe('/home/admin/.config/autostart/regdesk.desktop');
    expect(autostartEntryPath(place('relative/cfg'))).toBe('/home/admin/.config/autostart/regdesk.desktop');
  });

  it('starts the running binary, the AppImage file when run as one, and a development Electron with its app folder', () => {
    const running = { execPath: '/opt/RegDesk/regdesk', isPackaged: true, appPath: '/opt/RegDesk/resources/app.asar', env: {} };
    expect(launchCommand(running)).toEqual(['/opt/RegDesk/regdesk']);
    // Inside an AppImage, execPath is in a mount that disappears when it exits.
    expect(launchCommand({ ...running, execPath: '/tmp/.mount_RegDesAbC/regdesk', env: { APPIMAGE: '/home/admin/Apps/RegDesk-0.1.0.AppImage' } })).toEqual([
      '/home/admin/Apps/RegDesk-0.1.0.AppImage',
    ]);
    expect(launchCommand({ ...running, isPackaged: false, execPath: '/src/node_modules/electron/dist/electron', appPath: '/src' })).toEqual([
      '/src/node_modules/electron/dist/electron',
      '/src',
    ]);
  });

  it('writes the entry for a plain binary into a temporary XDG_CONFIG_HOME, reads it back as on, and removes it', () => {
    const autostart = xdgAutostart({ env: { XDG_CONFIG_HOME: dir }, home: '/nonexistent', name: 'regdesk' }, entry);
    expect(autostart.path).toBe(join(dir, 'autostart', 'regdesk.desktop'));
    expect(autostart.isEnabled()).toBe(false);
    autostart.setEnabled(true);
    expect(readFileSync(autostart.path, 'utf8')).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.0',
        'Name=RegDesk',
        'Comment=PJSIP registrations',
        'Exec=/opt/RegDesk/regdesk',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
    expect(statSync(autostart.path).mode & 0o777).toBe(0o644);
    expect(autostart.isEnabled()).toBe(true);
    autostart.setEnabled(false);
    expect(existsSync(autostart.path)).toBe(false);
    expect(autostart.isEnabled()).toBe(false);
    autostart.setEnabled(false); // already off: no error
  });

  it('writes the entry for an AppImage with Exec= the .AppImage file, not the temporary mount it runs from', () => {
    const env = { XDG_CONFIG_HOME: dir, APPIMAGE: '/home/admin/Apps/RegDesk-0.1.0.AppImage' };
    const command = launchCommand({ execPath: '/tmp/.mount_RegDesAbC/regdesk', isPackaged: true, appPath: '/tmp/.mount_RegDesAbC/resources/app.asar', env });
    const autostart = xdgAutostart({ env, home: '/nonexistent', name: 'regdesk' }, { ...entry, command });
    autostart.setEnabled(true);
    const text = readFileSync(autostart.path, 'utf8');
    expect(text).toContain('\nExec=/home/admin/Apps/RegDesk-0.1.0.AppImage\n');
    expect(text).not.toContain('.mount_');
    expect(autostart.isEnabled()).toBe(true);
    // The same entry read by the plain binary's RegDesk (a deb install beside it) is not its own.
    expect(xdgAutostart({ env, home: '/nonexistent', name: 'regdesk' }, entry).isEnabled()).toBe(false);
  });

  it('writes an AppImage path with spaces, quotes, $, % and a backslash so that the spec\'s reading gives it back', () => {
    const appImage = `/home/admin/My Apps/"Reg" $Desk 100%\\x.AppImage`;
    const autostart = xdgAutostart({ env: { XDG_CONFIG_HOME: dir }, home: '/nonexistent', name: 'regdesk' }, { ...entry, command: [appImage] });
    autostart.setEnabled(true);
    const exec = /^Exec=(.*)$/m.exec(readFileSync(autostart.path, 'utf8'))![1]!;
    expect(exec).toBe('"/home/admin/My Apps/\\\\"Reg\\\\" \\\\$Desk 100%%\\\\\\\\x.AppImage"');
    expect(parseExec(exec)).toEqual([appImage]);
    expect(autostart.isEnabled()).toBe(true);
  });

  it('quotes what a shell-like reader would split, and leaves plain paths alone', () => {
    expect(execLine(['/usr/bin/electron', '/src/reg desk'])).toBe('/usr/bin/electron "/src/reg desk"');
    expect(parseExec('/opt/RegDesk/regdesk %U')).toEqual(['/opt/RegDesk/regdesk', '%U']);
    expect(() => execLine(['/opt/a\nb'])).toThrow(/line break/);
  });

  it('reads back what is really there: a copied menu entry counts, a hidden, disabled or stale one does not', () => {
    const autostart = xdgAutostart({ env: { XDG_CONFIG_HOME: dir }, home: '/nonexistent', name: 'regdesk' }, entry);
    mkdirSync(join(dir, 'autostart'), { recursive: true });
    const put = (lines: string[]) => writeFileSync(autostart.path, lines.join('\n'));
    // What GNOME Tweaks' "Startup Applications" copies from /usr/share/applications/regdesk.desktop.
    put(['# copied', '[Desktop Entry]', 'Name=RegDesk', 'Exec=/opt/RegDesk/regdesk %U', 'Type=Application', '[Desktop Action New]', 'Exec=/bin/false']);
    expect(autostart.isEnabled()).toBe(true);
    put(['[Desktop Entry]', 'Type=Application', 'Exec=/opt/RegDesk/regdesk', 'Hidden=true']);
    expect(autostart.isEnabled()).toBe(false);
    put(['[Desktop Entry]', 'Type=Application', 'Exec=/opt/RegDesk/regdesk', 'X-GNOME-Autostart-enabled=false']);
    expect(autostart.isEnabled()).toBe(false);
    put(['[Desktop Entry]', 'Type=Application', 'Exec=/home/admin/Old/RegDesk-0.0.9.AppImage']);
    expect(autostart.isEnabled()).toBe(false);
    put(['not a desktop entry']);
    expect(autostart.isEnabled()).toBe(false);
  });

  it('writes an entry the freedesktop validator accepts, where desktop-file-validate is installed', () => {
    let validator: string;
    try {
      validator = execFileSync('sh', ['-c', 'command -v desktop-file-validate'], { encoding: 'utf8' }).trim();
    } catch {
      console.warn('desktop-file-validate is not installed (Debian: desktop-file-utils): the entry was checked by this file\'s own reading only');
      return;
    }
    for (const command of [['/opt/RegDesk/regdesk'], ['/home/a b/"Reg" $Desk 100%\\x.AppImage'], ['/usr/bin/electron', '/src/reg desk']]) {
      const autostart = xdgAutostart({ env: { XDG_CONFIG_HOME: dir }, home: '/nonexistent', name: 'regdesk' }, { ...entry, command });
      autostart.setEnabled(true);
      expect(execFileSync(validator, [autostart.path], { encoding: 'utf8' }), command.join(' ')).toBe('');
    }
  });
});

describe('the Start at login state on each OS', () => {
  function fakeElectron(state: ReturnType<ElectronLoginItems['getLoginItemSettings']>) {
    const calls: unknown[] = [];
    const electron: ElectronLoginItems = {
      getLoginItemSettings: (options) => (calls.push(['get', options]), state),
      setLoginItemSettings: (settings) => void calls.push(['set', settings]),
    };
    return { electron, calls };
  }
  const xdg = { path: '/x', isEnabled: () => true, setEnabled: () => {} };

  it('on macOS is on only when the login item is enabled, not while it waits for approval', () => {
    const command = ['/Applications/RegDesk.app/Contents/MacOS/RegDesk'];
    expect(loginItemFor('darwin', { ...fakeElectron({ openAtLogin: true, status: 'enabled' }), xdg, command }).isEnabled()).toBe(true);
    expect(loginItemFor('darwin', { ...fakeElectron({ openAtLogin: true, status: 'requires-approval' }), xdg, command }).isEnabled()).toBe(false);
    expect(loginItemFor('darwin', { ...fakeElectron({ openAtLogin: false, status: 'not-registered' }), xdg, command }).isEnabled()).toBe(false);
    expect(loginItemFor('darwin', { ...fakeElectron({ openAtLogin: true }), xdg, command }).isEnabled()).toBe(true);
  });

  it('on Windows is off when Task Manager disabled the Run key, and reads with the path and args it wrote', () => {
    const command = ['C:\\Users\\a\\AppData\\Local\\Programs\\RegDesk\\RegDesk.exe'];
    const disabled = fakeElectron({ openAtLogin: true, executableWillLaunchAtLogin: false });
    const item = loginItemFor('win32', { ...disabled, xdg, command });
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(true);
    expect(disabled.calls).toEqual([
      ['get', { path: command[0], args: [] }],
      ['set', { openAtLogin: true, path: command[0], args: [] }],
    ]);
    expect(loginItemFor('win32', { ...fakeElectron({ openAtLogin: true, executableWillLaunchAtLogin: true }), xdg, command }).isEnabled()).toBe(true);
  });

  it('on Linux is the XDG autostart entry', () => {
    expect(loginItemFor('linux', { ...fakeElectron({ openAtLogin: true }), xdg, command: ['/x'] })).toBe(xdg);
  });
});
