// A minimal SIP phone on UDP: REGISTER with digest authentication (answering one 401), refresh,
// unregister, and answering the registrar's OPTIONS (or staying silent, like a phone that is
// off). The demo phones and the tests use it; it speaks to any registrar, Asterisk included.
import { randomBytes } from 'node:crypto';
import { digestParams, expectedDigestResponse } from './digest';
import { headerValue, uriHost, type SipRequest, type SipResponse } from './message';
import { buildResponse, EMPTY_BODY_LENGTH } from './response';
import { SipUdpSocket, type UdpAddress } from './udp';

const T1_MS = 500;
const TRANSACTION_TIMEOUT_MS = 32 * T1_MS; // RFC 3261 timer F

export interface PhoneOptions {
  server: UdpAddress;
  user: string;
  password: string;
  /** Local address to bind; 127.0.0.1 by default. */
  bind?: string;
  /** Local port; 0 (any) by default. */
  port?: number;
  userAgent?: string;
  /** Answer the registrar's OPTIONS (qualify); true by default. */
  answerOptions?: boolean;
}

export class SipPhone {
  readonly contactUri: string;
  readonly callId = `${randomBytes(12).toString('hex')}@127.0.0.1`;
  answerOptions: boolean;
  private cseq = 0;
  private readonly waiting = new Map<number, (res: SipResponse) => void>();

  private constructor(
    private readonly socket: SipUdpSocket,
    private readonly opts: PhoneOptions,
  ) {
    const { address, port } = socket.address;
    this.contactUri = `sip:${opts.user}@${uriHost(address)}:${port};rinstance=${randomBytes(8).toString('hex')}`;
    this.answerOptions = opts.answerOptions ?? true;
    socket.onMessage((msg, from) => {
      if (msg.kind === 'response') {
        const cseq = Number.parseInt(headerValue(msg.headers, 'cseq') ?? '', 10);
        if (headerValue(msg.headers, 'call-id') === this.callId && msg.status >= 200) this.waiting.get(cseq)?.(msg);
      } else if (msg.method === 'OPTIONS' && this.answerOptions) {
        socket.send(buildResponse(msg, from, 200, [['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS']]), from);
      }
    });
  }

  static async open(opts: PhoneOptions): Promise<SipPhone> {
    return new SipPhone(await SipUdpSocket.open(opts.bind ?? '127.0.0.1', opts.port ?? 0), opts);
  }

  get localAddress(): UdpAddress {
    return this.socket.address;
  }

  /** REGISTER this phone's Contact for `expires` seconds (0 = unregister); `*` unregisters all. */
  async register(expires: number, contact: 'own' | '*' = 'own'): Promise<SipResponse> {
    const first = await this.transaction(this.registerRequest(expires, contact, null));
    if (first.status !== 401) return first;
    const challenge = headerValue(first.headers, 'www-authenticate') ?? '';
    return this.transaction(this.registerRequest(expires, contact, this.authorization(challenge)));
  }

  close(): Promise<void> {
    return this.socket.close();
  }

  private registerRequest(expires: number, contact: 'own' | '*', authorization: string | null): SipRequest {
    const { address, port } = this.socket.address;
    const host = uriHost(address);
    const server = uriHost(this.opts.server.address);
    const headers: Array<[string, string]> = [
      ['Via', `SIP/2.0/UDP ${host}:${port};branch=z9hG4bK${randomBytes(8).toString('hex')};rport`],
      ['Max-Forwards', '70'],
      ['From', `<sip:${this.opts.user}@${server}>;tag=${this.callId.slice(0, 8)}`],
      ['To', `<sip:${this.opts.user}@${server}>`],
      ['Call-ID', this.callId],
      ['CSeq', `${++this.cseq} REGISTER`],
      ['Contact', contact === '*' ? '*' : `<${this.contactUri}>`],
      ['Expires', String(expires)],
    ];
    if (authorization) headers.push(['Authorization', authorization]);
    headers.push(['User-Agent', this.opts.userAgent ?? 'RegDesk demo phone'], EMPTY_BODY_LENGTH);
    return { kind: 'request', method: 'REGISTER', uri: this.registrarUri(), headers, body: '' };
  }

  private authorization(wwwAuthenticate: string): string {
    const params = digestParams(wwwAuthenticate) ?? new Map<string, string>();
    const c = {
      username: this.opts.user,
      realm: params.get('realm') ?? '',
      nonce: params.get('nonce') ?? '',
      uri: this.registrarUri(),
      qop: params.has('qop') ? 'auth' : null,
      nc: '00000001',
      cnonce: randomBytes(4).toString('hex'),
    };
    const response = expectedDigestResponse(c, 'REGISTER', this.opts.password);
    const opaque = params.get('opaque');
    return (
      `Digest username="${c.username}",realm="${c.realm}",nonce="${c.nonce}",uri="${c.uri}",response="${response}",algorithm=MD5` +
      (c.qop ? `,qop=auth,nc=${c.nc},cnonce="${c.cnonce}"` : '') +
      (opaque ? `,opaque="${opaque}"` : '')
    );
  }

  private registrarUri(): string {
    return `sip:${uriHost(this.opts.server.address)}:${this.opts.server.port}`;
  }

  /** Sends a request, retransmitting per RFC 3261 timer E, until its final response. */
  private transaction(req: SipRequest): Promise<SipResponse> {
    const cseq = this.cseq;
    return new Promise((resolve, reject) => {
      let retransmit: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(retransmit);
        clearTimeout(deadline);
        this.waiting.delete(cseq);
      };
      const deadline = setTimeout(() => {
        done();
        reject(new Error(`no answer to REGISTER from ${this.opts.server.address}:${this.opts.server.port}`));
      }, TRANSACTION_TIMEOUT_MS);
      this.waiting.set(cseq, (res) => {
        done();
        resolve(res);
      });
      const send = (interval: number) => {
        this.socket.send(req, this.opts.server);
        retransmit = setTimeout(() => send(Math.min(interval * 2, 4000)), interval);
      };
      send(T1_MS);
    });
  }
}
