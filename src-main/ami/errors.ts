// Every failure the AMI bridge reports is an AmiError with a stable code, so front ends can
// word it per language and the CLI can map it to an exit code.
import { writeAdvice, writeClassesFor } from './privileges';

/** The ways AMI through SSH fails, each with its own code so that the UI can say what to do. */
export const SSH_ERROR_CODES = [
  /** The SSH server cannot be reached (refused, no route, name unknown). */
  'sshUnreachable',
  /** The server accepted none of the credentials (agent keys, key file, password). */
  'sshAuthFailed',
  /** The private key file cannot be read or parsed. */
  'sshKeyUnusable',
  /** The private key is encrypted and its passphrase is missing or wrong. */
  'sshKeyLocked',
  /** Neither known_hosts nor the profile knows the host key; nothing was sent. */
  'sshHostKeyUnknown',
  /** The host key differs from the pinned or known one, or is revoked; nothing was sent. */
  'sshHostKeyChanged',
  /** The server refused to forward to the AMI port (sshd_config AllowTcpForwarding). */
  'sshForwardingRefused',
  /** The SSH server could not connect to the AMI host:port on its side. */
  'sshAmiRefused',
] as const;

export type SshErrorCode = (typeof SSH_ERROR_CODES)[number];

/** SSH failures that may pass by themselves (sshd restarting, Asterisk restarting): retried. */
export const SSH_TRANSIENT_CODES: ReadonlySet<SshErrorCode> = new Set(['sshUnreachable', 'sshAmiRefused']);

export type AmiErrorCode =
  /** Asterisk answered `Message: Authentication failed` (wrong secret or unknown user). */
  | 'authFailed'
  /** No route to the host, or its name does not resolve. */
  | 'unreachable'
  /** Nothing listens on that port (ECONNREFUSED). */
  | 'refused'
  /** A connect, login or action deadline passed. */
  | 'timeout'
  /** The peer sent something that is not AMI: no banner, an oversized line, a broken list. */
  | 'protocol'
  /** The socket closed while something was still waiting for an answer. */
  | 'disconnected'
  /** Asterisk answered `Response: Error` to an action. */
  | 'actionFailed'
  /** Asterisk answered `Permission denied`: the AMI user's `write` classes do not allow the action. */
  | 'permission'
  /** A value meant for an AMI header contains CR, LF or NUL. */
  | 'headerInjection'
  /** An argument RegDesk refuses before asking Asterisk (e.g. a dialplan-function argument separator in a name). */
  | 'invalidArgument'
  /** AMI over TLS: the certificate does not verify against the system CAs and no fingerprint is pinned. */
  | 'tlsUntrusted'
  /** AMI over TLS: the certificate is not the one whose fingerprint is pinned. */
  | 'tlsMismatch'
  /** Through SSH: see SSH_ERROR_CODES. */
  | SshErrorCode;

export class AmiError extends Error {
  /** The error's name; each subclass names itself (read in this constructor, before the stack is formatted). */
  static readonly errorName: string = 'AmiError';
  constructor(
    readonly code: AmiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = (new.target as typeof AmiError).errorName;
    // Format the stack now. Until then V8 keeps the frames' functions, and with them whatever
    // their scopes hold, alive: a list timeout raised in a timer kept the half-read list (every
    // item parsed so far) for as long as the session showed the error.
    void this.stack;
  }
}

/** A key or value for an AMI header contains CR, LF or NUL: refused, never escaped. */
export class AmiHeaderInjectionError extends AmiError {
  static override readonly errorName = 'AmiHeaderInjectionError';
  constructor(readonly field: string) {
    super('headerInjection', `AMI header ${JSON.stringify(field)} contains CR, LF or NUL; refusing to send it`);
  }
}

/** manager.c's answer to an action outside the user's write classes. */
const PERMISSION_DENIED = 'Permission denied';

/** Asterisk answered `Response: Error`; `amiMessage` is its `Message:` text. A `Permission
 *  denied` has the code `permission` and names the write classes the action needs. */
export class AmiActionError extends AmiError {
  static override readonly errorName = 'AmiActionError';
  /** For a permission error: the manager.conf `write` classes that allow the action (any one). */
  readonly writeClasses: readonly string[] | null;
  constructor(
    readonly action: string,
    readonly amiMessage: string,
  ) {
    const denied = amiMessage === PERMISSION_DENIED;
    const advice = denied ? writeAdvice(action) : null;
    super(
      denied ? 'permission' : 'actionFailed',
      advice ? `Asterisk denied ${action} to this AMI user (Permission denied); in manager.conf give the user ${advice}` : `${action} failed: ${amiMessage}`,
    );
    this.writeClasses = denied ? writeClassesFor(action) : null;
  }
}

/** The PBX's TLS certificate was refused before a byte was sent; `fingerprint` is the SHA-256
 *  fingerprint it presented (`AB:CD:...`, as `openssl x509 -noout -fingerprint -sha256` prints it). */
export class AmiTlsError extends AmiError {
  static override readonly errorName = 'AmiTlsError';
  constructor(
    override readonly code: 'tlsUntrusted' | 'tlsMismatch',
    message: string,
    readonly fingerprint: string,
  ) {
    super(code, message);
  }
}

/** The SSH server's host key was refused before any authentication was sent; `fingerprint`
 *  is the `SHA256:...` it presented (as `ssh-keygen -lf` prints it). */
export class AmiSshHostKeyError extends AmiError {
  static override readonly errorName = 'AmiSshHostKeyError';
  constructor(
    override readonly code: 'sshHostKeyUnknown' | 'sshHostKeyChanged',
    message: string,
    readonly fingerprint: string,
    readonly keyType: string,
  ) {
    super(code, message);
  }
}
