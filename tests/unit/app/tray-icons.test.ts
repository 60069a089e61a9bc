import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { trayIconFile, trayIconFiles } from '../../../src-main/app/tray-icons';
import type { TrayState } from '../../../src-main/app/tray-state';
import { alphaMask, readIco, readPng } from '../../support/images';

const icons = 'resources/icons';
const states: TrayState[] = ['ok', 'warning', 'disconnected'];
// electron-builder's own glob matcher, for its extraResources filter.
const fromBuilder = createRequire(createRequire(import.meta.resolve('electron-builder/package.json')).resolve('app-builder-lib/package.json'));
const { minimatch } = fromBuilder('minimatch') as { minimatch: (name: string, pattern: string) => boolean };

describe('tray images per OS', () => {
  it('names a macOS template, a Windows ICO and a Linux PNG for each state', () => {
    expect(states.map((s) => trayIconFile('darwin', s))).toEqual(['tray-okTemplate.png', 'tray-warningTemplate.png', 'tray-disconnectedTemplate.png']);
    expect(trayIconFile('win32', 'warning')).toBe('tray-warning.ico');
    expect(trayIconFile('linux', 'disconnected')).toBe('tray-disconnected.png');
    expect(trayIconFile('freebsd', 'ok')).toBe('tray-ok.png');
  });

  it('has every named image in resources/icons', () => {
    for (const file of trayIconFiles()) expect(existsSync(join(icons, file)), file).toBe(true);
    expect(trayIconFiles()).toHaveLength(15);
  });

  it('draws the macOS templates in black and alpha only, 16 px and 32 px @2x, a different shape per state', () => {
    const masks = states.map((state) => {
      const one = readPng(join(icons, trayIconFile('darwin', state)));
      const two = readPng(join(icons, trayIconFile('darwin', state).replace('.png', '@2x.png')));
      expect([one.width, one.height, two.width, two.height]).toEqual([16, 16, 32, 32]);
      for (const image of [one, two]) {
        let opaque = 0;
        for (let i = 0; i < image.pixels.length; i += 4) {
          expect([image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]], `${state} pixel ${i / 4}`).toEqual([0, 0, 0]);
          if (image.pixels[i + 3]! > 0) opaque++;
        }
        expect(opaque).toBeGreaterThan(image.width * 2);
      }
      return alphaMask(one).toString('hex');
    });
    expect(new Set(masks).size).toBe(3);
  });

  it('holds 16, 20, 24 and 32 px in each Windows ICO, none of them empty', () => {
    for (const state of states) {
      const images = readIco(join(icons, trayIconFile('win32', state)));
      expect(images.map((image) => image.width)).toEqual([16, 20, 24, 32]);
      for (const image of images) expect(alphaMask(image).some((a) => a === 255)).toBe(true);
    }
  });

  it('draws the Linux PNGs at 16 px and 32 px @2x', () => {
    for (const state of states) {
      expect(readPng(join(icons, `tray-${state}.png`))).toMatchObject({ width: 16, height: 16 });
      expect(readPng(join(icons, `tray-${state}@2x.png`))).toMatchObject({ width: 32, height: 32 });
    }
  });

  it('ships every tray image with the installers (electron-builder extraResources)', () => {
    const config = parse(readFileSync('electron-builder.yml', 'utf8')) as { extraResources: { from: string; to: string; filter: string[] }[] };
    const icons = config.extraResources.find((r) => r.from === 'resources/icons');
    expect(icons?.to).toBe('icons');
    for (const file of [...trayIconFiles(), 'icon.png']) expect(icons!.filter.some((pattern) => minimatch(file, pattern)), file).toBe(true);
    expect(icons!.filter.some((pattern) => minimatch('generate-icons.mjs', pattern))).toBe(false);
  });
});
