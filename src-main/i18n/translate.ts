// Dictionary lookup without Svelte state, shared by the renderer's t() and by the Electron
// shell's tray menu and native notifications (so those words live in the same dictionaries).
import { en, type MessageKey } from './en';
import { ja } from './ja';

export type Language = 'en' | 'ja';
export const dictionaries: Record<Language, Record<MessageKey, string>> = { en, ja };

/** The UI language for an OS / browser locale such as `ja-JP` or `en-US`. */
export function systemLanguage(osLocale: string | undefined): Language {
  return osLocale?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function translate(language: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  return dictionaries[language][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
