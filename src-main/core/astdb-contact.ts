// A contact as Asterisk stores it in the AstDB (family registrar/contact, key = contact id):
// the sorcery astdb wizard writes the contact's object set as one compact JSON object of
// strings (res_sorcery_astdb.c via ast_json_dump_string; jansson, no spaces), keys in the
// order of the contact object's fields. Reading it lets the bridge fill a contact that only a
// ContactStatus event announced; writing it back byte for byte is what Undo (DBPut) needs.
import { aorOfContactId } from './contact-id';
import type { Contact } from './types';

/** Stored fields that the Contact model does not carry; Asterisk's defaults when absent. */
export interface StoredContactFlags {
  /** null: the key is not stored at all, as on Asterisk 18 and 20 before 20.12 (VERSIONS.md row 2). */
  qualify2xxOnly: boolean | null;
  pruneOnBoot: boolean;
  authenticateQualify: boolean;
}

export const DEFAULT_STORED_FLAGS: StoredContactFlags = {
  qualify2xxOnly: false,
  pruneOnBoot: false,
  authenticateQualify: false,
};

const STORED_KEYS = [
  'via_addr',
  'qualify_timeout',
  'qualify_2xx_only',
  'call_id',
  'reg_server',
  'prune_on_boot',
  'path',
  'endpoint',
  'via_port',
  'authenticate_qualify',
  'uri',
  'qualify_frequency',
  'user_agent',
  'expiration_time',
  'outbound_proxy',
] as const;

type StoredKey = (typeof STORED_KEYS)[number];
/** Added in 20.12.0, 21.7.0, 22.2.0, 23.0.0: older versions store no such key. */
const OPTIONAL_KEYS: ReadonlySet<StoredKey> = new Set(['qualify_2xx_only']);
type RequiredKey = Exclude<StoredKey, 'qualify_2xx_only'>;
type StoredRecord = Record<RequiredKey, string> & { qualify_2xx_only?: string };

export function parseStoredContact(id: string, json: string): Contact {
  return parseStoredContactRecord(id, json).contact;
}

export function parseStoredContactRecord(id: string, json: string): { contact: Contact; flags: StoredContactFlags } {
  const r = readRecord(id, json);
  const contact: Contact = {
    id,
    aor: aorOfContactId(id),
    endpoint: r.endpoint,
    uri: r.uri,
    userAgent: r.user_agent,
    viaAddr: r.via_addr,
    viaPort: integer(id, r, 'via_port'),
    callId: r.call_id,
    expirationTime: integer(id, r, 'expiration_time'),
    status: 'Unknown',
    roundtripUsec: null,
    qualifyFrequency: integer(id, r, 'qualify_frequency'),
    qualifyTimeout: decimal(id, r, 'qualify_timeout'),
    regServer: r.reg_server,
    path: r.path,
    outboundProxy: r.outbound_proxy,
  };
  const flags: StoredContactFlags = {
    qualify2xxOnly: r.qualify_2xx_only === undefined ? null : flag(id, r, 'qualify_2xx_only'),
    pruneOnBoot: flag(id, r, 'prune_on_boot'),
    authenticateQualify: flag(id, r, 'authenticate_qualify'),
  };
  return { contact, flags };
}

/** The exact JSON Asterisk 22 writes for this contact (what DBGet returns as `Val`); with
 *  flags.qualify2xxOnly null, what a version without qualify_2xx_only writes: the key left out. */
export function serializeStoredContact(c: Contact, flags: StoredContactFlags = DEFAULT_STORED_FLAGS): string {
  const r: StoredRecord = {
    via_addr: c.viaAddr,
    // Doubles go through "%f": config_options.c double handler.
    qualify_timeout: c.qualifyTimeout.toFixed(6),
    // Asterisk prints this one as true/false but the other two as yes/no (their option handlers differ).
    ...(flags.qualify2xxOnly === null ? {} : { qualify_2xx_only: flags.qualify2xxOnly ? 'true' : 'false' }),
    call_id: c.callId,
    reg_server: c.regServer,
    prune_on_boot: flags.pruneOnBoot ? 'yes' : 'no',
    path: c.path,
    endpoint: c.endpoint,
    via_port: String(c.viaPort),
    authenticate_qualify: flags.authenticateQualify ? 'yes' : 'no',
    uri: c.uri,
    qualify_frequency: String(c.qualifyFrequency),
    user_agent: c.userAgent,
    expiration_time: String(c.expirationTime),
    outbound_proxy: c.outboundProxy,
  };
  const present = STORED_KEYS.filter((k) => r[k] !== undefined);
  return `{${present.map((k) => `${jsonString(k)}:${jsonString(r[k]!)}`).join(',')}}`;
}

/** JSON.stringify escapes like jansson except that jansson writes \u00XX in upper case (dump.c). */
function jsonString(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, (_, hex: string) => `\\u00${hex.toUpperCase()}`);
}

function readRecord(id: string, json: string): StoredRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new Error(`stored contact ${id}: value is not JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`stored contact ${id}: value is not a JSON object`);
  }
  const obj = parsed as Record<string, unknown>;
  const missing = STORED_KEYS.filter((k) => typeof obj[k] !== 'string' && !(OPTIONAL_KEYS.has(k) && obj[k] === undefined));
  if (missing.length > 0) throw new Error(`stored contact ${id}: missing or non-string ${missing.join(', ')}`);
  return obj as StoredRecord;
}

function integer(id: string, r: StoredRecord, key: RequiredKey): number {
  if (!/^-?\d+$/.test(r[key])) throw new Error(`stored contact ${id}: ${key} is not an integer: ${JSON.stringify(r[key])}`);
  return Number(r[key]);
}

function decimal(id: string, r: StoredRecord, key: RequiredKey): number {
  const n = Number(r[key]);
  if (r[key].trim() === '' || !Number.isFinite(n)) throw new Error(`stored contact ${id}: ${key} is not a number: ${JSON.stringify(r[key])}`);
  return n;
}

// ast_true / ast_false (main/utils.c) accept these spellings.
const TRUE_WORDS = new Set(['yes', 'true', 'y', 't', '1', 'on']);
const FALSE_WORDS = new Set(['no', 'false', 'n', 'f', '0', 'off']);

function flag(id: string, r: StoredRecord, key: StoredKey): boolean {
  const word = (r[key] ?? '').toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new Error(`stored contact ${id}: ${key} is not a boolean: ${JSON.stringify(r[key])}`);
}
