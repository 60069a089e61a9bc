// Digest authentication (RFC 2617 / 7616, MD5, qop=auth) as Asterisk 22's
// res_pjsip_authenticator_digest.c does it: `WWW-Authenticate: Digest realm="asterisk",
// nonce="<epoch seconds>/<hash>",opaque="<16 hex>",algorithm=MD5,qop="auth"`. The nonce carries
// its own timestamp and a hash keyed by a per-process secret, so no state is kept per challenge;
// a nonce older than nonce_lifetime (32 s by default) is answered with a fresh challenge, stale=true.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { splitTopLevel } from './message';

const DEFAULT_REALM = 'asterisk';
/** auth nonce_lifetime default: res_pjsip/config_auth.c. */
export const NONCE_LIFETIME_SECONDS = 32;

export function md5Hex(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: string | null;
  qop: string | null;
  nc: string | null;
  cnonce: string | null;
  opaque: string | null;
}

/** The `k="v",k=v` parameters of a `Digest ...` header (Authorization or WWW-Authenticate);
 *  null when it is not Digest or a parameter is malformed. */
export function digestParams(header: string): Map<string, string> | null {
  const m = /^Digest\s+(.*)$/is.exec(header.trim());
  if (!m) return null;
  const params = new Map<string, string>();
  for (const part of splitTopLevel(m[1]!)) {
    const eq = part.indexOf('=');
    if (eq === -1) return null;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"')) {
      if (!value.endsWith('"') || value.length < 2) return null;
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    params.set(part.slice(0, eq).trim().toLowerCase(), value);
  }
  return params;
}

/** Parses an `Authorization: Digest k="v",k=v` header; null when it is not a usable Digest one. */
export function parseDigestAuthorization(header: string): DigestCredentials | null {
  const params = digestParams(header);
  if (!params) return null;
  const required = ['username', 'realm', 'nonce', 'uri', 'response'] as const;
  if (required.some((k) => !params.has(k))) return null;
  return {
    username: params.get('username')!,
    realm: params.get('realm')!,
    nonce: params.get('nonce')!,
    uri: params.get('uri')!,
    response: params.get('response')!,
    algorithm: params.get('algorithm') ?? null,
    qop: params.get('qop') ?? null,
    nc: params.get('nc') ?? null,
    cnonce: params.get('cnonce') ?? null,
    opaque: params.get('opaque') ?? null,
  };
}

/** The response a client with `password` must send (RFC 2617 section 3.2.2.1). */
export function expectedDigestResponse(c: Omit<DigestCredentials, 'response' | 'opaque' | 'algorithm'>, method: string, password: string): string {
  const ha1 = md5Hex(`${c.username}:${c.realm}:${password}`);
  const ha2 = md5Hex(`${method}:${c.uri}`);
  return c.qop ? md5Hex(`${ha1}:${c.nonce}:${c.nc ?? ''}:${c.cnonce ?? ''}:${c.qop}:${ha2}`) : md5Hex(`${ha1}:${c.nonce}:${ha2}`);
}

export type DigestVerdict = 'ok' | 'stale' | 'wrongPassword' | 'badNonce';

/** Issues and checks nonces for one registrar instance. */
export class DigestAuthority {
  private readonly secret = randomBytes(16).toString('hex');
  private readonly opaques = new RandomHex(8);

  constructor(private readonly realm: string = DEFAULT_REALM) {}

  /** The WWW-Authenticate value of a 401, for a request from address `remote` at `nowSec`. */
  challenge(remote: string, nowSec: number, stale = false): { header: string; nonce: string } {
    const nonce = `${nowSec}/${md5Hex(`${nowSec}:${remote}:${this.secret}`)}`;
    const opaque = this.opaques.next();
    const header = `Digest realm="${this.realm}",nonce="${nonce}",opaque="${opaque}",algorithm=MD5,qop="auth"${stale ? ',stale=true' : ''}`;
    return { header, nonce };
  }

  verify(c: DigestCredentials, method: string, password: string, remote: string, nowSec: number): DigestVerdict {
    const slash = c.nonce.indexOf('/');
    const issuedAt = Number(c.nonce.slice(0, slash));
    if (slash <= 0 || !Number.isInteger(issuedAt) || c.nonce !== `${issuedAt}/${md5Hex(`${issuedAt}:${remote}:${this.secret}`)}`) return 'badNonce';
    if (c.algorithm !== null && c.algorithm.toUpperCase() !== 'MD5') return 'badNonce';
    const expected = Buffer.from(expectedDigestResponse(c, method, password));
    const given = Buffer.from(c.response.toLowerCase());
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'wrongPassword';
    // A right answer to an old challenge: ask again rather than fail (res_pjsip_authenticator_digest.c, AUTH_STALE).
    if (nowSec - issuedAt > NONCE_LIFETIME_SECONDS) return 'stale';
    return 'ok';
  }
}

/** Random hex strings of `bytes` bytes, drawn from one randomBytes call per 256 of them: a
 *  randomBytes call per 401 cost more than the rest of the challenge. */
class RandomHex {
  private pool = Buffer.alloc(0);
  private offset = 0;

  constructor(private readonly bytes: number) {}

  next(): string {
    if (this.offset + this.bytes > this.pool.length) {
      this.pool = randomBytes(this.bytes * 256);
      this.offset = 0;
    }
    const hex = this.pool.toString('hex', this.offset, this.offset + this.bytes);
    this.offset += this.bytes;
    return hex;
  }
}
