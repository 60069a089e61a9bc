import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// electron-builder's own schema check, from the engine electron-builder itself loads.
const fromElectronBuilder = createRequire(import.meta.resolve('electron-builder/package.json'));
const { validateConfiguration } = fromElectronBuilder('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = fromElectronBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  linux: { icon: string; target: string[] };
  win: { icon: string; target: string[] };
  mac: { icon: string; target: string[] };
}

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; build?: unknown; main: string };

function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder configuration', () => {
  it('passes electron-builder\'s own schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('would be refused by that validation if it held an unknown option (the check is real)', async () => {
    const broken = { ...config, linux: { ...config.linux, targets: ['AppImage'] } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/Invalid configuration/);
  });

  it('names the app dev.regdesk.app / RegDesk', () => {
    expect(config.appId).toBe('dev.regdesk.app');
    expect(config.productName).toBe('RegDesk');
  });

  it('builds AppImage and deb on Linux, NSIS on Windows and dmg on macOS', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('points every platform at an icon that exists and is at least 512x512', () => {
    for (const platform of [config.linux, config.win, config.mac]) {
      expect(existsSync(platform.icon), platform.icon).toBe(true);
      const { width, height } = pngSize(platform.icon);
      expect(width).toBeGreaterThanOrEqual(512);
      expect(height).toBe(width);
    }
  });

  it('has the tray icon for every state, at 1x and 2x', () => {
    for (const state of ['ok', 'warning', 'disconnected']) {
      expect(pngSize(`resources/icons/tray-${state}.png`)).toEqual({ width: 16, height: 16 });
      expect(pngSize(`resources/icons/tray-${state}@2x.png`)).toEqual({ width: 32, height: 32 });
    }
  });

  it('packages the electron-vite output that package.json main points into', () => {
    expect(config.files).toContain('out/**');
    expect(pkg.main.startsWith('out/')).toBe(true);
  });

  it('packages the Sandbox PBX configuration the app starts its built-in sandbox from', async () => {
    const { BUNDLED_SANDBOX_CONFIG } = await import('../../../src-main/sandbox/host');
    // sandbox/host.ts reads it two folders up from the bundled main (out/main -> resources/sandbox).
    expect(BUNDLED_SANDBOX_CONFIG.endsWith(join('resources', 'sandbox'))).toBe(true);
    expect(config.files).toContain('resources/sandbox/**');
    for (const file of ['pjsip.conf', 'pjsip_wizard.conf', 'manager.conf']) expect(existsSync(join(BUNDLED_SANDBOX_CONFIG, file)), file).toBe(true);
  });

  it('is wired to npm run dist, and kept in one place (no build key in package.json)', () => {
    expect(pkg.scripts.dist).toMatch(/electron-vite build && electron-builder --config electron-builder\.yml/);
    expect(pkg.build).toBeUndefined();
  });
});
