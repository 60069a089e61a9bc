// SIP messages (RFC 3261 section 7) for the Sandbox registrar: just enough for REGISTER,
// OPTIONS and their responses over UDP. Hand-written on purpose: the npm `sip` package
// (0.0.6, unmaintained, untyped) brings a whole stack with its own transports, while this
// needs a header list that keeps order and repeats, compact forms, and strict size limits.
import { memoize } from '../../core/memo';

/** pjproject as built for Asterisk drops larger packets (PJSIP_MAX_PKT_LEN in
 *  third-party/pjproject/patches/config_site.h). */
export const MAX_SIP_MESSAGE_BYTES = 32000;

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body: string;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: Array<[string, string]>;
  body: string;
}

export type SipMessage = SipRequest | SipResponse;

/** RFC 3261 section 7.3.3 compact header names. */
const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
};

export class SipParseError extends Error {}

/** A CR not followed by LF, an LF not preceded by CR, or a NUL: what is left inside a line once
 *  the head is split at CRLF. */
const BARE_CR_LF_OR_NUL = /\r(?!\n)|(?<!\r)\n|\0/;

/** Parses one UDP datagram. Throws SipParseError for anything that is not a whole SIP message. */
export function parseSipMessage(datagram: Buffer): SipMessage {
  if (datagram.length > MAX_SIP_MESSAGE_BYTES) throw new SipParseError(`message of ${datagram.length} bytes exceeds ${MAX_SIP_MESSAGE_BYTES}`);
  const text = datagram.toString('utf8');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) throw new SipParseError('no end of headers (truncated message)');
  const head = text.slice(0, headEnd);
  // A bare CR or LF inside a line is not SIP (RFC 3261 7.3.1), and would let a header value
  // (a Call-ID, a URI) forge AMI headers once it is reported in an event; NUL likewise.
  if (BARE_CR_LF_OR_NUL.test(head)) throw new SipParseError('bare CR, LF or NUL inside a header line');
  const lines = head.split('\r\n');
  const startLine = lines.shift() ?? '';
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      // Folded continuation line (RFC 3261 section 7.3.1).
      const lastHeader = headers[headers.length - 1];
      if (!lastHeader) throw new SipParseError('continuation line before any header');
      lastHeader[1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError(`malformed header line: ${line.slice(0, 80)}`);
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const body = text.slice(headEnd + 4);
  const declared = headerValue(headers, 'content-length');
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared)) throw new SipParseError(`bad Content-Length: ${declared}`);
    if (Buffer.byteLength(body) < Number(declared)) throw new SipParseError('body shorter than Content-Length (truncated message)');
  }
  const response = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(startLine);
  if (response) return { kind: 'response', status: Number(response[1]), reason: response[2]!, headers, body };
  const request = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(startLine);
  if (request) return { kind: 'request', method: request[1]!.toUpperCase(), uri: request[2]!, headers, body };
  throw new SipParseError(`malformed start line: ${startLine.slice(0, 80)}`);
}

/** Header names as received -> canonical, remembered so a lookup does not lower-case every header
 *  name of the message again (a REGISTER is looked up a dozen times). Bounded: names come off the wire. */
const canonical = memoize((name) => {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}, 512);

/** The first value of a header, by full or compact name, case-insensitive. */
export function headerValue(headers: ReadonlyArray<[string, string]>, name: string): string | undefined {
  const wanted = canonical(name);
  return headers.find(([n]) => canonical(n) === wanted)?.[1];
}

/** Every value of a header, split at top-level commas (RFC 3261 section 7.3.1), in order. */
export function headerValues(headers: ReadonlyArray<[string, string]>, name: string): string[] {
  const wanted = canonical(name);
  return headers.filter(([n]) => canonical(n) === wanted).flatMap(([, v]) => splitTopLevel(v));
}

/** Splits at commas outside quotes and angle brackets. */
export function splitTopLevel(value: string): string[] {
  return splitOutside(value, ',').map((p) => p.trim()).filter((p) => p !== '');
}

/** Splits at `sep` where it is outside quoted strings and `<...>`. */
function splitOutside(value: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth--;
    else if (!quoted && depth === 0 && c === sep) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

export function serializeSipMessage(m: SipMessage): Buffer {
  const start = m.kind === 'request' ? `${m.method} ${m.uri} SIP/2.0` : `SIP/2.0 ${m.status} ${m.reason}`;
  const lines = [start, ...m.headers.map(([n, v]) => `${n}: ${v}`)];
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n' + m.body);
}

/** Parameters of a header value after its address (`;expires=60;+sip.instance="<urn:x>"`);
 *  for an addr-spec without `<>` every `;` parameter belongs to the header (RFC 3261 20.10). */
export function headerParams(value: string): Map<string, string> {
  const [, ...parts] = splitOutside(value, ';');
  const params = new Map<string, string>();
  for (const part of parts) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    params.set((eq === -1 ? p : p.slice(0, eq)).trim().toLowerCase(), eq === -1 ? '' : p.slice(eq + 1).trim());
  }
  return params;
}

/** The URI of a name-addr or addr-spec: `"Desk" <sip:a@b;x=y>;tag=1` -> `sip:a@b;x=y`. */
export function headerUri(value: string): string {
  const open = value.indexOf('<');
  if (open !== -1) {
    const close = value.indexOf('>', open);
    return close === -1 ? '' : value.slice(open + 1, close).trim();
  }
  const semi = value.indexOf(';');
  return (semi === -1 ? value : value.slice(0, semi)).trim();
}

/** The user part of a SIP URI (`sip:phone1@127.0.0.1` -> `phone1`), or '' when it has none. */
export function uriUser(uri: string): string {
  const m = /^sips?:([^@;?]+)@/i.exec(uri);
  if (!m) return '';
  const user = m[1]!.split(':')[0]!;
  try {
    return decodeURIComponent(user);
  } catch {
    return user; // a stray % is not an escape: keep it as written
  }
}

/** An address as a URI host: IPv6 in brackets. */
export function uriHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
