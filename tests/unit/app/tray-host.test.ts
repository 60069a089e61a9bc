import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAction, runCommand, statusNotifierWatcherPresent, trayIsShown, type RunCommand } from '../../../src-main/app/tray-host';

describe('whether the tray can be seen, and what closing the window does', () => {
  it('counts the tray as shown on macOS and Windows without asking anything', async () => {
    const never: RunCommand = () => Promise.reject(new Error('must not run'));
    expect(await trayIsShown('darwin', never)).toBe(true);
    expect(await trayIsShown('win32', never)).toBe(true);
  });

  it('on Linux asks the session bus for a StatusNotifierWatcher, through dbus-send, else gdbus', async () => {
    const asked: string[] = [];
    const answers: Record<string, string> = {
      'dbus-send': 'method return time=1.0 sender=org.freedesktop.DBus -> destination=:1.9 serial=3 reply_serial=2\n   boolean true\n',
      gdbus: '(false,)\n',
    };
    const run = (only: string[]): RunCommand => async (command, args) => {
      asked.push(`${command} ${args.at(-1)}`);
      if (!only.includes(command)) throw new Error(`${command}: not found`);
      return answers[command]!;
    };
    expect(await trayIsShown('linux', run(['dbus-send', 'gdbus']))).toBe(true);
    expect(asked).toEqual(['dbus-send string:org.kde.StatusNotifierWatcher']);
    expect(await statusNotifierWatcherPresent(run(['gdbus']))).toBe(false);
    expect(await statusNotifierWatcherPresent(run([]))).toBeNull();
    // Nobody could answer: the tray is not known to be there, so the window must stay reachable.
    expect(await trayIsShown('linux', run([]))).toBe(false);
  });

  it('minimises instead of closing when the tray cannot be seen', () => {
    expect(closeAction(true)).toBe('close');
    expect(closeAction(false)).toBe('minimize');
  });

  describe('with real processes', () => {
    let bin: string;
    let path: string | undefined;
    beforeEach(() => {
      bin = mkdtempSync(join(tmpdir(), 'regdesk-bus-'));
      path = process.env.PATH;
      process.env.PATH = [bin, path].join(delimiter);
    });
    afterEach(() => {
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    });
    const fake = (name: string, script: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
      chmodSync(join(bin, name), 0o755);
    };

    it.skipIf(process.platform === 'win32')('reads dbus-send\'s reply, and falls back to gdbus when dbus-send fails', async () => {
      fake('dbus-send', `[ "$6" = "string:org.kde.StatusNotifierWatcher" ] && printf 'method return\\n   boolean false\\n'`);
      expect(await statusNotifierWatcherPresent(runCommand)).toBe(false);
      fake('dbus-send', 'echo "Failed to open connection to session bus" >&2; exit 1');
      fake('gdbus', 'echo "(true,)"');
      expect(await statusNotifierWatcherPresent(runCommand)).toBe(true);
    });
  });
});
