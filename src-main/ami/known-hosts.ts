// OpenSSH's known_hosts, read as ssh reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): one key
// per line, `[marker] patterns keytype base64-key [comment]`. Patterns are a comma-separated
// list of names, `[host]:port` for a port other than 22, `*`/`?` wildcards and `!negations`,
// or one hashed name `|1|base64(salt)|base64(HMAC-SHA1(salt, name))` (HashKnownHosts yes).
// `@revoked` marks a key never to accept; `@cert-authority` lines sign certificates, which
// RegDesk does not use, so they are skipped. Pure: the caller reads the file.
import { createHmac } from 'node:crypto';

export interface KnownHostKey {
  /** 1-based line number, for messages like OpenSSH's "Offending key in FILE:LINE". */
  line: number;
  revoked: boolean;
  patterns: string;
  keyType: string;
  /** The key blob (SSH wire format), decoded from base64. */
  key: Buffer;
}

export function parseKnownHosts(text: string): KnownHostKey[] {
  const entries: KnownHostKey[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0]!.startsWith('#')) return;
    let revoked = false;
    if (fields[0]!.startsWith('@')) {
      const marker = fields.shift();
      if (marker !== '@revoked') return;
      revoked = true;
    }
    const [patterns, keyType, base64] = fields;
    if (!patterns || !keyType || !base64 || !/^[A-Za-z0-9+/]+=*$/.test(base64)) return;
    entries.push({ line: index + 1, revoked, patterns, keyType, key: Buffer.from(base64, 'base64') });
  });
  return entries;
}

/** The name ssh looks a host up by: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcardMatches(pattern: string, name: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(name);
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Whether a line's patterns name this host (a matching negation excludes it). */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|')) return hashedMatches(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    if (!wildcardMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

export type KnownHostsVerdict =
  /** A line lists this host with exactly this key. */
  | { kind: 'known'; line: number }
  /** This key is marked @revoked (for this host or for all). */
  | { kind: 'revoked'; line: number }
  /** The host is listed with other keys of the same type: changed, or someone in between. */
  | { kind: 'changed'; line: number }
  /** Not listed with a key of this type (maybe with other types: `otherTypes`). */
  | { kind: 'unknown'; otherTypes: string[] };

/** Judge `key` (blob of type `keyType`) presented by `host:port`, as ssh's check_host_key does. */
export function lookupHostKey(entries: readonly KnownHostKey[], host: string, port: number, keyType: string, key: Buffer): KnownHostsVerdict {
  const name = knownHostsName(host, port);
  const listed = entries.filter((e) => patternsMatch(e.patterns, name));
  const revoked = entries.find((e) => e.revoked && e.key.equals(key));
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const same = listed.find((e) => !e.revoked && e.key.equals(key));
  if (same) return { kind: 'known', line: same.line };
  const sameType = listed.find((e) => !e.revoked && e.keyType === keyType);
  if (sameType) return { kind: 'changed', line: sameType.line };
  return { kind: 'unknown', otherTypes: [...new Set(listed.filter((e) => !e.revoked).map((e) => e.keyType))] };
}

/** Key types this file knows for the host, to offer them first (as ssh orders HostKeyAlgorithms). */
export function knownKeyTypes(entries: readonly KnownHostKey[], host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  return [...new Set(entries.filter((e) => !e.revoked && patternsMatch(e.patterns, name)).map((e) => e.keyType))];
}
