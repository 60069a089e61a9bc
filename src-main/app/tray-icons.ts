// Which tray image each OS gets (plain module: no Electron import). The files are drawn by
// scripts/generate-icons.mjs into resources/icons/, shipped beside the app (electron-builder.yml
// extraResources), and checked by tests/unit/app/tray-icons.test.ts.
//
// From Electron's nativeImage and Tray docs (electronjs.org/docs/latest/api/native-image, /tray):
// - macOS: a file name ending in "Template" makes a template image (black and alpha), which the
//   menu bar recolours for its light or dark appearance; "@2x" beside it is the Retina version.
// - Windows: "it is recommended to use ICO icons"; the ICO holds 16, 20, 24 and 32 px for the
//   100-200% display scales, so the notification area never rescales a 16 px image.
// - Linux: a PNG with its @2x, shown as a StatusNotifierItem where the desktop hosts one.
import type { TrayState } from './tray-state';

/** The tray image file (in resources/icons) for a state on a platform. */
export function trayIconFile(platform: NodeJS.Platform, state: TrayState): string {
  if (platform === 'darwin') return `tray-${state}Template.png`;
  if (platform === 'win32') return `tray-${state}.ico`;
  return `tray-${state}.png`;
}

/** Every file trayIconFile can name, with the @2x companions nativeImage picks up by itself. */
export function trayIconFiles(): string[] {
  const states: TrayState[] = ['ok', 'warning', 'disconnected'];
  return states.flatMap((state) => [
    trayIconFile('linux', state),
    trayIconFile('linux', state).replace('.png', '@2x.png'),
    trayIconFile('darwin', state),
    trayIconFile('darwin', state).replace('.png', '@2x.png'),
    trayIconFile('win32', state),
  ]);
}
