// Responses as pjsip builds them for Asterisk: the top Via gets `rport=<port>;received=<addr>`
// (RFC 3581), the To gets the Via branch as its tag when it has none (pjsip's stateless
// responses), then CSeq, the caller's extra headers, `Server:` and pjsip's `Content-Length:  0`.
import { headerParams, headerValue, headerValues, type SipRequest, type SipResponse } from './message';
import type { UdpAddress } from './udp';

export const SERVER_NAME = 'Asterisk PBX 22.10.1';

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  416: 'Unsupported URI Scheme',
  500: 'Server Internal Error',
  501: 'Not Implemented',
};

/** pjsip prints Content-Length with two spaces before the value (seen in every recorded response). */
export const EMPTY_BODY_LENGTH: [string, string] = ['Content-Length', ' 0'];

export function buildResponse(req: SipRequest, from: UdpAddress, status: number, extra: Array<[string, string]> = []): SipResponse {
  const vias = headerValues(req.headers, 'via');
  const headers: Array<[string, string]> = [];
  vias.forEach((via, i) => headers.push(['Via', i === 0 ? receivedVia(via, from) : via]));
  const callId = headerValue(req.headers, 'call-id');
  if (callId !== undefined) headers.push(['Call-ID', callId]);
  const fromHeader = headerValue(req.headers, 'from');
  if (fromHeader !== undefined) headers.push(['From', fromHeader]);
  const to = headerValue(req.headers, 'to');
  if (to !== undefined) {
    const branch = vias[0] ? headerParams(vias[0]).get('branch') : undefined;
    headers.push(['To', headerParams(to).has('tag') || !branch ? to : `${to};tag=${branch}`]);
  }
  const cseq = headerValue(req.headers, 'cseq');
  if (cseq !== undefined) headers.push(['CSeq', cseq]);
  headers.push(...extra, ['Server', SERVER_NAME], EMPTY_BODY_LENGTH);
  return { kind: 'response', status, reason: REASONS[status] ?? 'Unknown', headers, body: '' };
}

function receivedVia(via: string, from: UdpAddress): string {
  const semi = via.indexOf(';');
  const sentBy = semi === -1 ? via : via.slice(0, semi);
  const params = semi === -1 ? [] : via.slice(semi + 1).split(';').map((p) => p.trim()).filter((p) => p !== '');
  const wantsRport = params.some((p) => p === 'rport' || p.startsWith('rport='));
  const kept = params.filter((p) => !/^(rport|received)(=|$)/.test(p));
  const added = [...(wantsRport ? [`rport=${from.port}`] : []), `received=${from.address}`];
  return [sentBy.trim(), ...added, ...kept].join(';');
}
