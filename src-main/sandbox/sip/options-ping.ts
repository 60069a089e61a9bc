// Out-of-dialog OPTIONS pings with round-trip time, as Asterisk's qualify sends them
// (res_pjsip/pjsip_options.c): any final response counts as an answer (qualify_2xx_only = no);
// none within qualify_timeout means Unreachable. Retransmitted on UDP per RFC 3261 timer E
// (500 ms, doubling), like pjsip's non-INVITE client transactions.
import { randomUUID } from 'node:crypto';
import { headerValue, uriHost, uriUser, type SipResponse } from './message';
import { EMPTY_BODY_LENGTH } from './response';
import type { SipUdpSocket, UdpAddress } from './udp';

const T1_MS = 500;
const T2_MS = 4000;

interface Pending {
  sentAt: bigint;
  finish: (rttUsec: number | null) => void;
}

export class OptionsPinger {
  private readonly pending = new Map<string, Pending>();
  private cseq = Math.floor(Math.random() * 30000);

  constructor(
    private readonly socket: SipUdpSocket,
    private readonly userAgent: string,
  ) {}

  /** Resolves with the round trip in microseconds, or null when nothing answered in time. */
  ping(uri: string, to: UdpAddress, timeoutMs: number): Promise<number | null> {
    const callId = randomUUID();
    const local = this.socket.address;
    const host = uriHost(local.address);
    const user = uriUser(uri);
    const request = {
      kind: 'request' as const,
      method: 'OPTIONS',
      uri,
      headers: [
        ['Via', `SIP/2.0/UDP ${host}:${local.port};rport;branch=z9hG4bKPj${randomUUID()}`],
        ['From', `<sip:${user ? `${user}@` : ''}${host}>;tag=${randomUUID()}`],
        // pjsip writes the target without its port in To (recording c2's SIP trace).
        ['To', `<${uri.replace(/^(sips?:[^;?>]*?)(:\d+)(?=[;?]|$)/i, '$1')}>`],
        ['Contact', `<sip:${user ? `${user}@` : ''}${host}:${local.port}>`],
        ['Call-ID', callId],
        ['CSeq', `${++this.cseq} OPTIONS`],
        ['Max-Forwards', '70'],
        ['User-Agent', this.userAgent],
        EMPTY_BODY_LENGTH,
      ] as Array<[string, string]>,
      body: '',
    };
    return new Promise((resolve) => {
      let retransmit: NodeJS.Timeout | undefined;
      const finish = (rtt: number | null) => {
        clearTimeout(retransmit);
        clearTimeout(deadline);
        this.pending.delete(callId);
        resolve(rtt);
      };
      const deadline = setTimeout(() => finish(null), timeoutMs);
      const send = (interval: number) => {
        this.socket.send(request, to);
        retransmit = setTimeout(() => send(Math.min(interval * 2, T2_MS)), interval);
      };
      this.pending.set(callId, { sentAt: process.hrtime.bigint(), finish });
      send(T1_MS);
    });
  }

  /** Takes a response meant for one of our pings; false when it is not one. */
  handleResponse(res: SipResponse): boolean {
    const p = this.pending.get(headerValue(res.headers, 'call-id') ?? '');
    if (!p || res.status < 200) return Boolean(p);
    p.finish(Number((process.hrtime.bigint() - p.sentAt) / 1000n));
    return true;
  }

  /** Ends every ping in flight as unanswered. */
  close(): void {
    for (const p of [...this.pending.values()]) p.finish(null);
  }
}
