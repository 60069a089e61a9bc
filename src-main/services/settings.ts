// The admin's settings (settings.json in the user data folder), and what RegDesk remembers
// beside them for itself: the ports the built-in Sandbox PBX got last time.
import { join } from 'node:path';
import { ServiceFailure, type Settings } from './api';
import { readJsonFile, writeFileAtomic } from './atomic-file';
import type { SandboxPorts } from './sandbox-ports';

export const DEFAULT_SETTINGS: Settings = { language: 'system', theme: 'system', startAtLogin: false, showSandbox: true };

const LANGUAGES: ReadonlyArray<Settings['language']> = ['system', 'en', 'ja'];
const THEMES: ReadonlyArray<Settings['theme']> = ['system', 'light', 'dark'];

interface StoredSettings extends Settings {
  sandboxPorts?: SandboxPorts;
}

export class SettingsStore {
  private readonly file: string;
  private current: Settings;
  private ports: SandboxPorts | null;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'settings.json');
    // Unknown or missing keys from an older or hand-edited file fall back to the defaults.
    const stored = readJsonFile<Partial<StoredSettings>>(this.file, {});
    this.current = { ...DEFAULT_SETTINGS, ...pickValid(stored) };
    this.ports = validPorts(stored.sandboxPorts);
  }

  get(): Settings {
    return { ...this.current };
  }

  set(next: Settings): Settings {
    if (!LANGUAGES.includes(next.language)) throw new ServiceFailure('invalidArgument', `unknown language ${next.language}`);
    if (!THEMES.includes(next.theme)) throw new ServiceFailure('invalidArgument', `unknown theme ${next.theme}`);
    const settings: Settings = { language: next.language, theme: next.theme, startAtLogin: Boolean(next.startAtLogin), showSandbox: next.showSandbox !== false };
    this.save(settings, this.ports);
    this.current = settings;
    return this.get();
  }

  /** The ports the Sandbox PBX had last time; null before its first start. */
  sandboxPorts(): SandboxPorts | null {
    return this.ports;
  }

  setSandboxPorts(ports: SandboxPorts): void {
    this.save(this.current, ports);
    this.ports = ports;
  }

  private save(settings: Settings, ports: SandboxPorts | null): void {
    const stored: StoredSettings = ports ? { ...settings, sandboxPorts: ports } : settings;
    writeFileAtomic(this.file, JSON.stringify(stored, null, 2) + '\n');
  }
}

function pickValid(s: Partial<Settings>): Partial<Settings> {
  const out: Partial<Settings> = {};
  if (s.language && LANGUAGES.includes(s.language)) out.language = s.language;
  if (s.theme && THEMES.includes(s.theme)) out.theme = s.theme;
  if (typeof s.startAtLogin === 'boolean') out.startAtLogin = s.startAtLogin;
  if (typeof s.showSandbox === 'boolean') out.showSandbox = s.showSandbox;
  return out;
}

function validPorts(p: unknown): SandboxPorts | null {
  const ok = (n: unknown) => Number.isInteger(n) && (n as number) > 0 && (n as number) <= 65535;
  if (typeof p !== 'object' || p === null) return null;
  const { sip, ami } = p as Record<string, unknown>;
  return ok(sip) && ok(ami) ? { sip: sip as number, ami: ami as number } : null;
}
