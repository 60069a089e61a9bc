// Typed actions to bytes. Every key and value is checked before anything is written:
// CR or LF would end the header (or the whole action) early and let a value smuggle in
// headers of its own; NUL truncates in Asterisk's C string handling. Refused, never escaped.
import { AmiHeaderInjectionError } from './errors';

/** The actions RegDesk sends. RegDesk never sends reload/shutdown-class actions. */
export type AmiAction =
  | { Action: 'Login'; Username: string; Secret: string; Events: string }
  | { Action: 'Logoff' }
  | { Action: 'Ping' }
  | { Action: 'CoreSettings' }
  | { Action: 'Events'; EventMask: string }
  | { Action: 'PJSIPShowEndpoints' }
  | { Action: 'PJSIPShowAors' }
  | { Action: 'PJSIPShowContacts' }
  | { Action: 'PJSIPShowEndpoint'; Endpoint: string }
  | { Action: 'DBGet'; Family: string; Key: string }
  | { Action: 'DBGetTree'; Family: string; Key?: string }
  | { Action: 'DBPut'; Family: string; Key: string; Val: string }
  | { Action: 'DBDel'; Family: string; Key: string }
  | { Action: 'Getvar'; Variable: string; Channel?: string }
  | { Action: 'Command'; Command: string };

/** Throws AmiHeaderInjectionError naming the field if `text` holds CR, LF or NUL. */
export function checkHeaderText(field: string, text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d || c === 0x0a || c === 0x00) throw new AmiHeaderInjectionError(field);
  }
}

/** `Action: X\r\nKey: Value\r\n...ActionID: id\r\n\r\n`, fields in the order given. */
export function serializeAction(action: AmiAction, actionId: string): string {
  let out = '';
  for (const [key, value] of Object.entries(action)) {
    if (value === undefined) continue;
    out += header(key, String(value));
  }
  return out + header('ActionID', actionId) + '\r\n';
}

function header(key: string, value: string): string {
  checkHeaderText(key, key);
  checkHeaderText(key, value);
  return `${key}: ${value}\r\n`;
}
