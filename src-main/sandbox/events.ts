// The AMI events the SIP side of the Sandbox raises, formatted as Asterisk 22 prints them
// (field names and order from the recorded transcripts; see tests/fixtures/AMI_FIELDS.md).
// The AMI server only filters them by class and writes them out.

export interface AmiEventOut {
  event: string;
  /** The classes of `Privilege:` without the trailing `all`, e.g. ['system'] or ['security']. */
  privilege: string[];
  /** Everything after Event and Privilege, in Asterisk's order. */
  fields: Array<[string, string]>;
}

/** `IPV4/UDP/127.0.0.1/5060` (main/security_events.c formats addresses this way). */
export interface SecurityAddresses {
  local: { address: string; port: number };
  remote: { address: string; port: number };
}

export type SecurityEventKind =
  | { event: 'ChallengeSent'; accountId: string }
  | { event: 'SuccessfulAuth'; accountId: string }
  | { event: 'ChallengeResponseFailed'; accountId: string; challenge: string; response: string }
  | { event: 'InvalidAccountID'; accountId: string }
  | { event: 'FailedACL'; accountId: string; aclName: string }
  | { event: 'RequestNotSupported'; accountId: string; requestType: string };

/** Account id of a request from no configured endpoint (res_pjsip/security_events.c, get_account_id). */
export const UNKNOWN_ACCOUNT = '<unknown>';

const SEVERITY: Record<SecurityEventKind['event'], string> = {
  ChallengeSent: 'Informational',
  SuccessfulAuth: 'Informational',
  ChallengeResponseFailed: 'Error',
  InvalidAccountID: 'Error',
  FailedACL: 'Error',
  RequestNotSupported: 'Error',
};

/** A PJSIP security event (res_pjsip/security_events.c); SessionID is the SIP Call-ID. */
export function securityEvent(kind: SecurityEventKind, callId: string, at: SecurityAddresses, nowMs: number): AmiEventOut {
  const fields: Array<[string, string]> = [
    ['EventTV', eventTv(nowMs)],
    ['Severity', SEVERITY[kind.event]],
    ['Service', 'PJSIP'],
    ['EventVersion', '1'],
    ['AccountID', kind.accountId],
    ['SessionID', callId],
    ['LocalAddress', securityAddress(at.local.address, at.local.port)],
    ['RemoteAddress', securityAddress(at.remote.address, at.remote.port)],
  ];
  switch (kind.event) {
    case 'ChallengeSent':
      // Always empty in Asterisk 22: security_events.c compares the scheme with "digest" while
      // pjsip writes "Digest", so the nonce is never copied (seen in every recording).
      fields.push(['Challenge', '']);
      break;
    case 'SuccessfulAuth':
      fields.push(['UsingPassword', '1']);
      break;
    case 'ChallengeResponseFailed':
      fields.push(['Challenge', kind.challenge], ['Response', kind.response], ['ExpectedResponse', '']);
      break;
    case 'FailedACL':
      fields.push(['ACLName', kind.aclName]);
      break;
    case 'RequestNotSupported':
      fields.push(['RequestType', kind.requestType]);
      break;
    case 'InvalidAccountID':
      break;
  }
  return { event: kind.event, privilege: ['security'], fields };
}

export function contactStatusEvent(
  c: { uri: string; aor: string; endpoint: string },
  status: 'NonQualified' | 'Reachable' | 'Unreachable' | 'Removed',
  roundtripUsec: number | null,
): AmiEventOut {
  return {
    event: 'ContactStatus',
    privilege: ['system'],
    fields: [
      ['URI', c.uri],
      ['ContactStatus', status],
      ['AOR', c.aor],
      ['EndpointName', c.endpoint],
      ['RoundtripUsec', String(roundtripUsec ?? 0)],
    ],
  };
}

export function peerStatusEvent(endpoint: string, status: 'Reachable' | 'Unreachable'): AmiEventOut {
  return { event: 'PeerStatus', privilege: ['system'], fields: [['ChannelType', 'PJSIP'], ['Peer', `PJSIP/${endpoint}`], ['PeerStatus', status]] };
}

function securityAddress(address: string, port: number): string {
  return `${address.includes(':') ? 'IPV6' : 'IPV4'}/UDP/${address}/${port}`;
}

/** The last EventTV made: a REGISTER raises two to four events within the same millisecond. */
let lastEventTv = { ms: Number.NaN, text: '' };

/** `2026-11-26T06:00:33.446+0000`: UTC with milliseconds, as the recorded events carry it. */
export function eventTv(nowMs: number): string {
  if (nowMs !== lastEventTv.ms) lastEventTv = { ms: nowMs, text: new Date(nowMs).toISOString().replace('Z', '+0000') };
  return lastEventTv.text;
}
