// Absorbs retransmitted requests the way pjsip's UAS transactions do for Asterisk's stateful
// responses: the 200 OK to a REGISTER is sent through a transaction (ast_sip_send_stateful_response),
// so a retransmission of that request gets the same 200 again without being processed twice.
// 401 and 403 are sent statelessly by Asterisk, so their retransmissions are processed again there
// too, and are not cached here.
import { headerParams, headerValue, type SipRequest, type SipResponse } from './message';
import type { UdpAddress } from './udp';

/** RFC 3261 timer J / F: 64 * T1. */
const TRANSACTION_LIFETIME_MS = 32_000;

export class RetransmissionCache {
  private readonly answered = new Map<string, { response: SipResponse; at: number }>();

  /** The response already sent for this request, when it is a retransmission. */
  lookup(req: SipRequest, from: UdpAddress, nowMs: number): SipResponse | undefined {
    this.prune(nowMs);
    return this.answered.get(transactionKey(req, from))?.response;
  }

  remember(req: SipRequest, from: UdpAddress, response: SipResponse, nowMs: number): void {
    this.answered.set(transactionKey(req, from), { response, at: nowMs });
  }

  private prune(nowMs: number): void {
    for (const [key, entry] of this.answered) {
      if (nowMs - entry.at < TRANSACTION_LIFETIME_MS) break; // insertion order = age order
      this.answered.delete(key);
    }
  }
}

/** RFC 3261 17.2.3: the top Via branch, sent-by and the method identify a server transaction. */
function transactionKey(req: SipRequest, from: UdpAddress): string {
  const via = headerValue(req.headers, 'via') ?? '';
  return `${req.method} ${headerParams(via).get('branch') ?? ''} ${from.address}:${from.port} ${headerValue(req.headers, 'cseq') ?? ''}`;
}
