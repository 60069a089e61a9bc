// SIP URI equality as the registrar uses it to find an existing binding: res_pjsip_registrar.c
// registrar_find_contact calls pjsip_uri_cmp, which follows RFC 3261 19.1.4.
import { memoize } from './memo';

interface SipUri {
  scheme: string;
  userinfo: string;
  host: string;
  port: string;
  params: Map<string, string>;
  headers: Map<string, string>;
}

// These URI parameters must match when either side has them (RFC 3261 19.1.4); any other
// parameter is compared only when both sides have it.
const ALWAYS_COMPARED_PARAMS = ['user', 'ttl', 'method', 'maddr', 'transport'];

/** sip: or sips:, the only schemes the registrar binds (others are skipped without error). */
export function isSipUri(uri: string): boolean {
  return /^sips?:/i.test(uri);
}

export function sipUriEquals(a: string, b: string): boolean {
  if (a === b) return true;
  const x = parseSipUri(a);
  const y = parseSipUri(b);
  if (!x || !y) return false;
  if (x.scheme !== y.scheme || x.userinfo !== y.userinfo || x.host !== y.host || x.port !== y.port) return false;
  for (const name of ALWAYS_COMPARED_PARAMS) {
    if (x.params.get(name) !== y.params.get(name)) return false;
  }
  for (const [name, value] of x.params) {
    const other = y.params.get(name);
    if (other !== undefined && other !== value) return false;
  }
  if (x.headers.size !== y.headers.size) return false;
  for (const [name, value] of x.headers) if (y.headers.get(name) !== value) return false;
  return true;
}

/**
 * Parsed URIs, by text. The registrar rules compare a REGISTER's Contact with every binding of
 * the AOR, and the endpoint view runs them (what-if) on every change of the endpoint, so the
 * same few URIs are parsed over and over. Bounded: cleared when full.
 */
const parseSipUri = memoize(parseSipUriText, 8192);

function parseSipUriText(uri: string): SipUri | null {
  const m = /^(sips?):(?:([^@]*)@)?(\[[^\]]+\]|[^:;?]+)(?::(\d+))?((?:;[^?]*)?)(?:\?(.*))?$/i.exec(uri);
  if (!m) return null;
  return {
    scheme: m[1]!.toLowerCase(),
    userinfo: decodeEscapes(m[2] ?? ''),
    host: m[3]!.toLowerCase(),
    port: m[4] ?? '',
    params: pairs(m[5]!.split(';').slice(1)),
    headers: pairs((m[6] ?? '').split('&').filter(Boolean)),
  };
}

/** Parameters and headers compare case-insensitively, names and values (pjsip_param_cmp). */
function pairs(items: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const item of items) {
    const eq = item.indexOf('=');
    const name = decodeEscapes(eq === -1 ? item : item.slice(0, eq)).toLowerCase();
    map.set(name, decodeEscapes(eq === -1 ? '' : item.slice(eq + 1)).toLowerCase());
  }
  return map;
}

/** %hh escapes compare equal to the characters they stand for (RFC 3261 19.1.4). */
function decodeEscapes(s: string): string {
  return s.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
