// What the native notification for a refused phone says and how the OS files it (plain module:
// main.ts hands the result to Electron's Notification). From Electron's Notification docs
// (electronjs.org/docs/latest/api/notification): `id` is the toast's Tag on Windows and the
// request identifier on macOS, so a later notification with the same id replaces the one shown;
// `groupId` groups them (Windows Group, macOS thread); both are macOS/Windows only. Action
// buttons are shown on macOS and Windows; Linux notifications get none (a click opens RegDesk).
import { createHash } from 'node:crypto';
import { translate, type Language } from '../i18n/translate';
import type { RefusalAlert } from '../services/api';

export interface RefusalNotification {
  /** One per PBX and endpoint: a new refusal of the same endpoint replaces its notification. */
  id: string;
  /** One per PBX. */
  groupId: string;
  title: string;
  body: string;
  actions: { type: 'button'; text: string }[];
}

/** A short stable tag (Windows keeps a toast's Tag and Group within 16 characters on older builds). */
function tag(prefix: string, ...parts: string[]): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 14)}`;
}

export function refusalNotification(alert: RefusalAlert, language: Language, platform: NodeJS.Platform): RefusalNotification {
  const text = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(language, key, params);
  const source = alert.source ? `${alert.source.addr}:${alert.source.port}` : text('alert.unknownSource');
  const params = { endpoint: alert.endpoint, source, max: alert.maxContacts ?? text('alert.unknownLimit'), count: alert.count };
  return {
    id: tag('r', alert.pbxId, alert.endpoint),
    groupId: tag('p', alert.pbxId),
    title: text('alert.title', { pbx: alert.pbxName }),
    body: alert.count > 1 ? text('alert.bodyRepeated', params) : text('alert.body', params),
    actions: platform === 'darwin' || platform === 'win32' ? [{ type: 'button', text: text('alert.show') }] : [],
  };
}
