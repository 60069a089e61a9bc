// What the sandbox writes on the AMI socket, shaped as main/manager.c shapes it
// (astman_send_response_full, astman_send_listack, astman_send_list_complete_*).
// Every name and value is checked: CR, LF or NUL would let a value forge headers or
// messages (AMI header injection), so they are refused, never escaped.

export type AmiField = readonly [name: string, value: string];

export class AmiHeaderError extends Error {
  constructor(what: string, text: string) {
    super(`refusing to write AMI ${what} containing CR, LF or NUL: ${JSON.stringify(text)}`);
    this.name = 'AmiHeaderError';
  }
}

const FORBIDDEN = /[\r\n\0]/;

/**
 * One AMI message: `Name: value` lines, then the blank line. `bareLf` reproduces the messages
 * Asterisk writes with a "\n" of its own before the closing CRLF (error texts that end in \n in
 * the C source, e.g. "No Contacts found\n": AMI_FIELDS.md lists them).
 */
export function encodeMessage(fields: readonly AmiField[], opts: { bareLf?: boolean } = {}): string {
  let out = '';
  let text = '';
  for (const [name, value] of fields) {
    out += `${name}: ${value}\r\n`;
    text += name + value;
  }
  // One scan of the whole message; the offending field is looked up only when there is one.
  if (FORBIDDEN.test(text)) throw refusal(fields);
  if (opts.bareLf) out = `${out.slice(0, -2)}\n\r\n`;
  return `${out}\r\n`;
}

function refusal(fields: readonly AmiField[]): AmiHeaderError {
  for (const [name, value] of fields) {
    if (FORBIDDEN.test(name)) return new AmiHeaderError('header name', name);
    if (FORBIDDEN.test(value)) return new AmiHeaderError(`value of ${name}`, value);
  }
  return new AmiHeaderError('message', fields.flat().join(''));
}

function withActionId(actionId: string): AmiField[] {
  return actionId === '' ? [] : [['ActionID', actionId]];
}

/** A final response: `Response`, `ActionID` when the action had one, then the rest. */
export function response(kind: 'Success' | 'Error' | 'Goodbye', actionId: string, rest: readonly AmiField[]): string {
  return encodeMessage([['Response', kind], ...withActionId(actionId), ...rest]);
}

export function success(actionId: string, message: string): string {
  return response('Success', actionId, [['Message', message]]);
}

export function error(actionId: string, message: string, opts: { bareLf?: boolean } = {}): string {
  return encodeMessage([['Response', 'Error'], ...withActionId(actionId), ['Message', message]], opts);
}

/** The acknowledgement that opens an event list. */
export function listStart(actionId: string, message: string): string {
  return encodeMessage([['Response', 'Success'], ...withActionId(actionId), ['EventList', 'start'], ['Message', message]]);
}

/** One event of a list: the event name, its ActionID, then its fields. */
export function listItem(event: string, actionId: string, fields: readonly AmiField[]): string {
  return encodeMessage([['Event', event], ...withActionId(actionId), ...fields]);
}

export function listComplete(event: string, actionId: string, count: number): string {
  return encodeMessage([['Event', event], ...withActionId(actionId), ['EventList', 'Complete'], ['ListItems', String(count)]]);
}

/** An asynchronous event: `Event`, `Privilege` (the category as authority_to_str prints it), fields. */
export function event(name: string, privilege: string, fields: readonly AmiField[]): string {
  return encodeMessage([['Event', name], ['Privilege', privilege], ...fields]);
}
