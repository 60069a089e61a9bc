import { join } from 'node:path';
import { ServiceFailure, type Settings } from './api';
import { readJsonFile, writeFileAtomic } from './atomic-file';

export const DEFAULT_SETTINGS: Settings = { language: 'system', theme: 'system', startAtLogin: false };

const LANGUAGES: ReadonlyArray<Settings['language']> = ['system', 'en', 'ja'];
const THEMES: ReadonlyArray<Settings['theme']> = ['system', 'light', 'dark'];

export class SettingsStore {
  private readonly file: string;
  private current: Settings;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'settings.json');
    // Unknown or missing keys from an older or hand-edited file fall back to the defaults.
    const stored = readJsonFile<Partial<Settings>>(this.file, {});
    this.current = { ...DEFAULT_SETTINGS, ...pickValid(stored) };
  }

  get(): Settings {
    return { ...this.current };
  }

  set(next: Settings): Settings {
    if (!LANGUAGES.includes(next.language)) throw new ServiceFailure('invalidArgument', `unknown language ${next.language}`);
    if (!THEMES.includes(next.theme)) throw new ServiceFailure('invalidArgument', `unknown theme ${next.theme}`);
    const settings: Settings = { language: next.language, theme: next.theme, startAtLogin: Boolean(next.startAtLogin) };
    writeFileAtomic(this.file, JSON.stringify(settings, null, 2) + '\n');
    this.current = settings;
    return this.get();
  }
}

function pickValid(s: Partial<Settings>): Partial<Settings> {
  const out: Partial<Settings> = {};
  if (s.language && LANGUAGES.includes(s.language)) out.language = s.language;
  if (s.theme && THEMES.includes(s.theme)) out.theme = s.theme;
  if (typeof s.startAtLogin === 'boolean') out.startAtLogin = s.startAtLogin;
  return out;
}
