import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsStore } from '../../../src-main/services/settings';

describe('settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'regdesk-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts from the defaults and keeps what was set across a restart', () => {
    expect(new SettingsStore(dir).get()).toEqual(DEFAULT_SETTINGS);
    new SettingsStore(dir).set({ language: 'ja', theme: 'dark', startAtLogin: true, showSandbox: false });
    expect(new SettingsStore(dir).get()).toEqual({ language: 'ja', theme: 'dark', startAtLogin: true, showSandbox: false });
  });

  it('refuses an unknown language and keeps the previous settings', () => {
    const store = new SettingsStore(dir);
    expect(() => store.set({ language: 'fr' as 'en', theme: 'light', startAtLogin: false, showSandbox: true })).toThrow(/unknown language/);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('ignores hand-edited values it does not know', () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ language: 'ja', theme: 'sepia', extra: 1 }));
    expect(new SettingsStore(dir).get()).toEqual({ ...DEFAULT_SETTINGS, language: 'ja' });
  });
});
