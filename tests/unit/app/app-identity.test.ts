import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appIdOf, appUserModelId } from '../../../src-main/app/app-identity';

describe('the app identity the shell gives Windows', () => {
  it('is electron-builder\'s appId, the AppUserModelID its NSIS installer puts on the Start-menu shortcut', () => {
    const config = parse(readFileSync('electron-builder.yml', 'utf8')) as { appId: string };
    expect(appUserModelId).toBe(config.appId);
    expect(appUserModelId).toBe('dev.regdesk.app');
  });

  it('reads only the top-level appId, quoted or not, and refuses a config without one', () => {
    expect(appIdOf('productName: X\nappId: "com.example.app" # the id\n')).toBe('com.example.app');
    expect(appIdOf("mac:\n  appId: nested.wrong\nappId: 'top.level'\n")).toBe('top.level');
    expect(() => appIdOf('productName: RegDesk\n')).toThrow(/no top-level appId/);
    expect(() => appIdOf('appId: "unterminated\n')).toThrow(/no top-level appId/);
  });
});
