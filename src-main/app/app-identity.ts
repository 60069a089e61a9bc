// The app's identity, with electron-builder.yml as its one source (plain module: no Electron).
// Windows shows a desktop app's toast notifications, and applies the user's per-app notification
// setting, only when the process's AppUserModelID is the one on its Start-menu shortcut
// (Electron's notifications tutorial; app.setAppUserModelId, Windows only); electron-builder's
// NSIS installer gives that shortcut the config's `appId`. The file is bundled as text at build
// time, so the shell cannot drift from the installer.
import builderConfig from '../../electron-builder.yml?raw';

/** The top-level `appId:` of an electron-builder YAML config. */
export function appIdOf(builderYaml: string): string {
  const match = /^appId:[ \t]*(["']?)([A-Za-z0-9][A-Za-z0-9.-]*)\1[ \t]*(?:#.*)?$/m.exec(builderYaml);
  if (!match) throw new Error('electron-builder.yml has no top-level appId');
  return match[2]!;
}

/** AppUserModelID for app.setAppUserModelId (Windows), and the Windows login item's registry value name. */
export const appUserModelId = appIdOf(builderConfig);
