// One t() for every visible string. The language follows the OS (navigator.language) unless
// the admin picks one; switching re-renders everything that called t().
import type { ServiceError } from '../../src-main/services/api';
import type { MessageKey } from '../../src-main/i18n/en';
import { systemLanguage, translate, type Language } from '../../src-main/i18n/translate';

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
export function describeError(error: ServiceError): string {
  if (error.code === 'permission' && error.denied) {
    return t('error.permissionDenied', { action: error.denied.action, classes: error.denied.writeClasses.join(t('error.permissionOr')) });
  }
  return t(`error.${error.code}` as const, { message: error.message });
}
