// AMI over TLS (manager.conf tlsenable / tlsbindaddr, usually port 5039): which server
// certificate RegDesk accepts. One verified by the system CAs for the host, or, as SSH does with
// host keys, the one whose SHA-256 fingerprint the admin pinned (trust on first use; Asterisk's
// AMI certificate is usually self-signed). A pin, once set, is the only certificate accepted.
import { AmiTlsError } from './errors';

export interface AmiTlsOptions {
  /** SHA-256 fingerprint of the one certificate to accept; null: the system CAs decide. */
  pinnedFingerprint: string | null;
}

/** What the TLS handshake showed of the peer (node:tls TLSSocket fields). */
export interface PresentedCertificate {
  /** `getPeerCertificate().fingerprint256`: `AB:CD:...` upper-case hex. */
  fingerprint256: string;
  /** The chain verified against the system CAs and the host name matched. */
  authorized: boolean;
  /** Why it did not (e.g. DEPTH_ZERO_SELF_SIGNED_CERT); null when authorized. */
  authorizationError: string | null;
}

const FINGERPRINT_HEX = /^[0-9A-F]{64}$/;

/**
 * A SHA-256 fingerprint as typed or pasted (any case, with or without colons or spaces, with
 * openssl's `sha256 Fingerprint=` prefix) in the `AB:CD:...` form Node and openssl print;
 * null when it is not one.
 */
export function normalizeFingerprint(text: string): string | null {
  const hex = text
    .trim()
    .replace(/^sha-?256\s+fingerprint\s*=\s*/i, '')
    .replace(/[:\s]/g, '')
    .toUpperCase();
  if (!FINGERPRINT_HEX.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** The refusal for this certificate, or null when it may be used. `where` is host:port for the message. */
export function refuseCertificate(where: string, presented: PresentedCertificate, tls: AmiTlsOptions): AmiTlsError | null {
  const presentedFingerprint = normalizeFingerprint(presented.fingerprint256) ?? presented.fingerprint256;
  const pinned = tls.pinnedFingerprint === null ? null : normalizeFingerprint(tls.pinnedFingerprint);
  if (tls.pinnedFingerprint !== null) {
    if (pinned === presentedFingerprint) return null;
    return new AmiTlsError(
      'tlsMismatch',
      `the TLS certificate of ${where} is NOT the pinned one: it presented SHA-256 ${presentedFingerprint}, the profile pins ${pinned ?? tls.pinnedFingerprint}. ` +
        'Nothing was sent. If the certificate was renewed on the PBX, pin the new fingerprint; otherwise someone may be intercepting the connection.',
      presentedFingerprint,
    );
  }
  if (presented.authorized) return null;
  return new AmiTlsError(
    'tlsUntrusted',
    `the TLS certificate of ${where} is not trusted by this system (${presented.authorizationError ?? 'unverified'}); its SHA-256 fingerprint is ${presentedFingerprint}. ` +
      'Compare it with `openssl x509 -noout -fingerprint -sha256 -in <tlscertfile>` on the PBX and pin it to trust this certificate.',
    presentedFingerprint,
  );
}
