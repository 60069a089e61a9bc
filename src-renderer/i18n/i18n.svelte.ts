// One t() for every visible string. The language follows the OS (navigator.language) unless
// the admin picks one; switching re-renders everything that called t().
import type { ServiceError } from '../../src-main/services/api';
import { en, type MessageKey } from './en';

type ServiceErrorCode = ServiceError['code'];
import { ja } from './ja';

export type Language = 'en' | 'ja';
export const dictionaries: Record<Language, Record<MessageKey, string>> = { en, ja };

export function systemLanguage(navigatorLanguage: string | undefined): Language {
  return navigatorLanguage?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function translate(language: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  return dictionaries[language][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

class Locale {
  choice = $state<'system' | Language>('system');
  readonly language: Language = $derived(
    this.choice === 'system' ? systemLanguage(typeof navigator === 'undefined' ? undefined : navigator.language) : this.choice,
  );
}

export const locale = new Locale();

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return translate(locale.language, key, params);
}

/** A service error in the admin's words (per error code). */
export function describeError(error: { code: ServiceErrorCode; message: string }): string {
  return t(`error.${error.code}` as const, { message: error.message });
}
