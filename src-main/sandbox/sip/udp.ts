// One UDP socket speaking SIP: datagrams in, parsed messages out. Anything that does not parse
// (truncated, oversize, not SIP) is dropped and counted, never answered: with no reliable Via
// there is nowhere safe to answer, and pjsip drops such packets too.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { parseSipMessage, serializeSipMessage, SipParseError, type SipMessage } from './message';

/** Asterisk builds pjproject with 512 KiB socket buffers each way (PJSIP_UDP_SO_RCVBUF_SIZE and
 *  PJSIP_UDP_SO_SNDBUF_SIZE in third-party/pjproject/patches/config_site.h), so a burst of
 *  REGISTERs waits in the kernel instead of being dropped and retransmitted 500 ms later. */
const SOCKET_BUFFER_BYTES = 512 * 1024;

export interface UdpAddress {
  address: string;
  port: number;
}

export class SipUdpSocket {
  /** Datagrams that were not a whole SIP message. */
  dropped = 0;
  private handler: (msg: SipMessage, from: UdpAddress) => void = () => {};

  private constructor(
    private readonly socket: Socket,
    readonly address: UdpAddress,
  ) {
    socket.on('message', (data, rinfo) => {
      let msg: SipMessage;
      try {
        msg = parseSipMessage(data);
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
        this.dropped++;
        return;
      }
      this.handler(msg, { address: rinfo.address, port: rinfo.port });
    });
    // A send to a closed port comes back as ICMP on some systems: not our failure to report.
    socket.on('error', () => {});
  }

  /** Binds `bind`:`port` (0 = any free port); IPv6 when `bind` is an IPv6 address. */
  static open(bind: string, port: number): Promise<SipUdpSocket> {
    const socket = createSocket({ type: isIPv6(bind) ? 'udp6' : 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES, sendBufferSize: SOCKET_BUFFER_BYTES });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, bind, () => {
        socket.off('error', reject);
        const a = socket.address();
        resolve(new SipUdpSocket(socket, { address: a.address, port: a.port }));
      });
    });
  }

  onMessage(handler: (msg: SipMessage, from: UdpAddress) => void): void {
    this.handler = handler;
  }

  send(msg: SipMessage, to: UdpAddress): void {
    this.socket.send(serializeSipMessage(msg), to.port, to.address);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
