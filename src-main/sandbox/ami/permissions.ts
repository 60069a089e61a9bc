// AMI permission classes as main/manager.c defines them (the `perms[]` table): a user's
// read/write classes, a session's event mask and an event's or action's category are all
// bit masks over this table, in this order.

export const CLASS = {
  system: 1 << 0,
  call: 1 << 1,
  log: 1 << 2,
  verbose: 1 << 3,
  command: 1 << 4,
  agent: 1 << 5,
  user: 1 << 6,
  config: 1 << 7,
  dtmf: 1 << 8,
  reporting: 1 << 9,
  cdr: 1 << 10,
  dialplan: 1 << 11,
  originate: 1 << 12,
  agi: 1 << 13,
  cc: 1 << 14,
  aoc: 1 << 15,
  test: 1 << 16,
  security: 1 << 17,
  message: 1 << 18,
} as const;

const CLASS_BITS = Object.entries(CLASS);

/** `all` is INT_MAX in manager.c: every class, present and future. */
export const ALL_CLASSES = 0x7fffffff;

/** Asterisk's ast_true / ast_false word lists (main/utils.c), case-insensitive. */
const TRUE_WORDS = new Set(['yes', 'true', 'y', 't', '1', 'on']);
const FALSE_WORDS = new Set(['no', 'false', 'n', 'f', '0', 'off']);

export function isAstTrue(value: string): boolean {
  return TRUE_WORDS.has(value.toLowerCase());
}

export function isAstFalse(value: string): boolean {
  return FALSE_WORDS.has(value.toLowerCase());
}

/** manager.c get_perm: each comma-separated item that is exactly a class label adds its bits;
 *  anything else (other case, blanks around the comma) adds nothing. */
export function classMask(classes: readonly string[]): number {
  let mask = 0;
  for (const item of classes) {
    if (item === 'all') mask |= ALL_CLASSES;
    else mask |= CLASS_BITS.find(([label]) => label === item)?.[1] ?? 0;
  }
  return mask;
}

/**
 * manager.c strings_to_mask, used for `Events:` at Login and `EventMask:` of the Events action:
 * all digits -> that number; an ast_false word -> 0; an ast_true word -> everything;
 * otherwise a class list. Null for an empty value (Asterisk's -1: "Invalid event mask",
 * and Login keeps the session's current mask).
 */
export function eventMask(value: string): number | null {
  if (value === '') return null;
  if (/^[0-9]+$/.test(value)) return Number.parseInt(value, 10) | 0;
  if (isAstFalse(value)) return 0;
  if (isAstTrue(value)) return ALL_CLASSES;
  return classMask(value.split(','));
}

/** manager.c authority_to_str: the labels of every class in the mask, `all` last because
 *  INT_MAX shares a bit with any non-empty mask ("system,all"); `<none>` for an empty mask. */
export function privilegeText(mask: number): string {
  if (mask === 0) return '<none>';
  const labels = CLASS_BITS.filter(([, bit]) => (mask & bit) !== 0).map(([label]) => label);
  labels.push('all');
  return labels.join(',');
}

/** An event reaches a session only when the user may read every class of its category and the
 *  session's event mask includes every one of them (manager.c process_events). */
export function sessionReceives(readMask: number, sessionEventMask: number, category: number): boolean {
  return (readMask & category) === category && (sessionEventMask & category) === category;
}

/** An action runs when its category is 0 or shares a class with the user's write classes
 *  (manager.c process_message). */
export function mayRunAction(writeMask: number, actionCategory: number): boolean {
  return actionCategory === 0 || (writeMask & actionCategory) !== 0;
}
