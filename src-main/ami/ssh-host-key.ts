// Which SSH host key RegDesk accepts, decided before any authentication is sent: the one the
// profile pins (trusted by the admin after comparing its fingerprint), and one the user's
// known_hosts lists for the host. A key different from either is refused loudly; a key
// neither knows is refused with its fingerprint, for the admin to compare and pin.
import { createHash } from 'node:crypto';
import { AmiSshHostKeyError } from './errors';
import { lookupHostKey, type KnownHostKey } from './known-hosts';

/** `SHA256:` + unpadded base64 of the SHA-256 of the key blob: what `ssh-keygen -lf` prints. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** A fingerprint as pasted (with or without `SHA256:`, surrounding text of ssh-keygen -lf
 *  stripped by the caller) in the `SHA256:...` form; null when it is not one. */
export function normalizeSshFingerprint(text: string): string | null {
  const body = text.trim().replace(/^sha256:/i, '').replace(/=+$/, '');
  return /^[A-Za-z0-9+/]{43}$/.test(body) ? `SHA256:${body}` : null;
}

/** The key type named at the start of a key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, ...). */
export function keyBlobType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return '';
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

export interface HostKeyTrust {
  /** `SHA256:...` the profile pins; null: none. */
  pinnedFingerprint: string | null;
  /** The user's known_hosts, parsed; empty when there is none. */
  knownHosts: readonly KnownHostKey[];
  /** Where knownHosts came from, for messages. */
  knownHostsFile: string | null;
}

/** Null when the presented key may be used; otherwise the refusal. `host`/`port` are the SSH server's. */
export function refuseHostKey(host: string, port: number, keyBlob: Buffer, trust: HostKeyTrust): AmiSshHostKeyError | null {
  const where = `${host}:${port}`;
  const fingerprint = sshFingerprint(keyBlob);
  const keyType = keyBlobType(keyBlob);
  const verdict = lookupHostKey(trust.knownHosts, host, port, keyType, keyBlob);
  const file = trust.knownHostsFile ?? 'known_hosts';
  const intercept = 'Nothing was sent. If the host key was really changed on the PBX, check the new one there; otherwise someone may be intercepting the connection.';
  if (verdict.kind === 'revoked') {
    return new AmiSshHostKeyError('sshHostKeyChanged', `the SSH host key of ${where} (${keyType} ${fingerprint}) is REVOKED in ${file}:${verdict.line}. Nothing was sent.`, fingerprint, keyType);
  }
  if (verdict.kind === 'changed') {
    return new AmiSshHostKeyError(
      'sshHostKeyChanged',
      `WARNING: the SSH host key of ${where} has CHANGED: it presented ${keyType} ${fingerprint}, ${file}:${verdict.line} lists another. ${intercept}`,
      fingerprint,
      keyType,
    );
  }
  const pinned = trust.pinnedFingerprint === null ? null : (normalizeSshFingerprint(trust.pinnedFingerprint) ?? trust.pinnedFingerprint);
  if (pinned !== null) {
    if (pinned === fingerprint) return null;
    return new AmiSshHostKeyError(
      'sshHostKeyChanged',
      `WARNING: the SSH host key of ${where} is NOT the pinned one: it presented ${keyType} ${fingerprint}, the profile pins ${pinned}. ${intercept}`,
      fingerprint,
      keyType,
    );
  }
  if (verdict.kind === 'known') return null;
  const others = verdict.otherTypes.length > 0 ? ` (${file} lists it only with ${verdict.otherTypes.join(', ')} keys)` : '';
  return new AmiSshHostKeyError(
    'sshHostKeyUnknown',
    `the SSH host key of ${where} is not known${others}: ${keyType} ${fingerprint}. Nothing was sent. ` +
      'Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` (or the key of that type) on the PBX and pin it to trust this host.',
    fingerprint,
    keyType,
  );
}

/** ssh2's default host key algorithms, strongest first (ssh2 1.17 protocol/constants.js). */
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** The host key algorithms to offer: those of the key types known for the host first, as ssh
 *  orders HostKeyAlgorithms, so a host known by its RSA key is not asked for an unknown ed25519 one. */
export function preferredHostKeyAlgorithms(knownTypes: readonly string[]): string[] {
  const known = HOST_KEY_ALGORITHMS.filter((a) => knownTypes.includes(a.startsWith('rsa-sha2-') ? 'ssh-rsa' : a));
  return [...known, ...HOST_KEY_ALGORITHMS.filter((a) => !known.includes(a))];
}
