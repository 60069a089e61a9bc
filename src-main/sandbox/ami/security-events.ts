// The security events manager.c raises about AMI sessions (report_* in main/manager.c,
// formatted by main/security_events.c), field order as recorded from Asterisk 22.10.1
// (tests/fixtures/h_login_failures_unknown_action.txt). Optional fields come after the
// required ones, which is why RequestBadFormat ends with AccountID.
import { eventTv } from '../events';
import type { AmiEventOut } from './pbx-view';

export interface AmiPeer {
  /** `%p` of the session in Asterisk; any stable per-session token here. */
  sessionId: string;
  local: { address: string; port: number };
  remote: { address: string; port: number };
  /** Epoch ms of the login; null before it (Asterisk prints the epoch). */
  sessionStart: number | null;
}

export type AmiSecurityKind =
  | { event: 'SuccessfulAuth'; accountId: string }
  | { event: 'InvalidAccountID'; accountId: string }
  | { event: 'InvalidPassword'; accountId: string }
  | { event: 'FailedACL'; accountId: string }
  | { event: 'ChallengeResponseFailed'; accountId: string; challenge: string; response: string; expected: string }
  | { event: 'RequestNotAllowed'; accountId: string; action: string }
  | { event: 'RequestBadFormat'; accountId: string; action: string };

/** manager.c formats it into a 64-byte buffer: at most 63 characters survive. */
function requestType(action: string): string {
  return `Action: ${action}`.slice(0, 63);
}

function address(a: { address: string; port: number }): string {
  return `${a.address.includes(':') ? 'IPV6' : 'IPV4'}/TCP/${a.address}/${a.port}`;
}

export function amiSecurityEvent(kind: AmiSecurityKind, peer: AmiPeer, nowMs: number): AmiEventOut {
  const severity = kind.event === 'SuccessfulAuth' ? 'Informational' : 'Error';
  // InvalidPassword is at version 2 since Asterisk 1.8 added the challenge fields.
  const version = kind.event === 'InvalidPassword' ? '2' : '1';
  const session: Array<[string, string]> = [
    ['SessionID', peer.sessionId],
    ['LocalAddress', address(peer.local)],
    ['RemoteAddress', address(peer.remote)],
  ];
  const sessionTv: [string, string] = ['SessionTV', eventTv(peer.sessionStart ?? 0)];
  const account: [string, string] = ['AccountID', kind.accountId];
  const head: Array<[string, string]> = [
    ['EventTV', eventTv(nowMs)],
    ['Severity', severity],
    ['Service', 'AMI'],
    ['EventVersion', version],
  ];
  let rest: Array<[string, string]>;
  switch (kind.event) {
    case 'SuccessfulAuth':
      rest = [account, ...session, ['UsingPassword', '0'], sessionTv];
      break;
    case 'RequestNotAllowed':
      rest = [account, ...session, ['RequestType', requestType(kind.action)], sessionTv];
      break;
    case 'ChallengeResponseFailed':
      rest = [account, ...session, ['Challenge', kind.challenge], ['Response', kind.response], ['ExpectedResponse', kind.expected], sessionTv];
      break;
    case 'RequestBadFormat':
      rest = [...session, ['RequestType', requestType(kind.action)], sessionTv, account];
      break;
    case 'InvalidAccountID':
    case 'InvalidPassword':
    case 'FailedACL':
      rest = [account, ...session, sessionTv];
      break;
  }
  return { event: kind.event, privilege: ['security'], fields: [...head, ...rest] };
}
