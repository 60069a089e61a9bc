// The Sandbox PBX: a SIP registrar on UDP enforcing core's registrar rules, its AstDB, the
// in-memory qualify state, and the AMI events Asterisk 22 would raise for all of it. The AMI
// server (ami/server.ts) reads it through this object only.
import { expiredContacts } from '../core/registrar-rules';
import type { Aor, Contact, Endpoint } from '../core/types';
import { sandboxAsterisk, storedFlagsOf, type SandboxAsterisk } from './asterisk-versions';
import { AstDb } from './astdb';
import type { SandboxConfig } from './config/types';
import { ContactBook } from './contact-book';
import { deleteStoredContact, storedContacts } from './contact-store';
import type { AmiEventOut } from './events';
import { headerValue, type SipRequest, type SipResponse } from './sip/message';
import { OptionsPinger } from './sip/options-ping';
import { Registrar } from './sip/registrar';
import { RetransmissionCache } from './sip/retransmissions';
import { buildResponse, SERVER_NAME } from './sip/response';
import { SipUdpSocket, type UdpAddress } from './sip/udp';

export type { AmiEventOut } from './events';

/** contact_expiration_check_interval default (res_pjsip/config_global.c). */
export const CONTACT_EXPIRATION_CHECK_INTERVAL_MS = 30_000;

export interface SandboxPbxOptions {
  config: SandboxConfig;
  /** The Asterisk release to pass for; 22 (22.10.1) by default. */
  asterisk?: SandboxAsterisk;
  /** 0 (the default) = any free port. */
  sipPort?: number;
  /** Default 127.0.0.1; an IPv6 address binds IPv6. */
  bind?: string;
  /** JSON file the AstDB persists to, so contacts survive a restart. */
  astdbFile?: string;
  /** Epoch milliseconds; Date.now by default. */
  clock?: () => number;
  /** How often expired contacts are removed; Asterisk's 30 s by default (tests shorten it). */
  expiryCheckIntervalMs?: number;
  /** Asterisk's WARNING/NOTICE lines for refused requests; dropped by default. */
  log?: (line: string) => void;
}

export class SandboxPbx {
  readonly astdb: AstDb;
  readonly asterisk: SandboxAsterisk;
  readonly startedAt: number;
  readonly lastReloadAt: number;
  private readonly listeners = new Set<(e: AmiEventOut) => void>();
  private readonly book: ContactBook;
  private readonly registrar: Registrar;
  private readonly pinger: OptionsPinger;
  private readonly expiryTimer: NodeJS.Timeout;
  private readonly clock: () => number;
  private readonly retransmissions = new RetransmissionCache();

  private constructor(
    readonly config: SandboxConfig,
    private readonly socket: SipUdpSocket,
    opts: SandboxPbxOptions,
  ) {
    this.clock = opts.clock ?? Date.now;
    this.startedAt = this.lastReloadAt = this.clock();
    this.astdb = new AstDb(opts.astdbFile);
    this.asterisk = opts.asterisk ?? sandboxAsterisk();
    this.pinger = new OptionsPinger(socket, SERVER_NAME);
    const aors = new Map(config.aors.map((a) => [a.name, a]));
    const emit = (e: AmiEventOut) => {
      for (const listener of this.listeners) listener(e);
    };
    this.book = new ContactBook((name) => aors.get(name), emit, (c, timeoutMs) => this.pinger.ping(c.uri, optionsTarget(c), timeoutMs));
    // Contacts kept from a previous run come back as bindings, as Asterisk reloads them at boot.
    for (const c of storedContacts(this.astdb)) this.book.add(c);
    const log = opts.log ?? (() => {});
    this.registrar = new Registrar({ config, db: this.astdb, storedFlags: storedFlagsOf(this.asterisk), book: this.book, emit, now: this.clock, local: socket.address, log });
    socket.onMessage((msg, from) => {
      // One bad packet must not take the PBX down: report it and go on with the next.
      try {
        if (msg.kind === 'response') this.pinger.handleResponse(msg);
        else this.handleRequest(msg, from);
      } catch (err) {
        log(`sandbox: failed to handle a SIP message from ${from.address}:${from.port}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    this.expiryTimer = setInterval(() => this.expireContacts(), opts.expiryCheckIntervalMs ?? CONTACT_EXPIRATION_CHECK_INTERVAL_MS);
  }

  static async start(opts: SandboxPbxOptions): Promise<SandboxPbx> {
    const socket = await SipUdpSocket.open(opts.bind ?? '127.0.0.1', opts.sipPort ?? 0);
    return new SandboxPbx(opts.config, socket, opts);
  }

  get sipAddress(): { address: string; port: number } {
    return { ...this.socket.address };
  }

  /** Datagrams dropped because they were not a whole SIP message. */
  get droppedDatagrams(): number {
    return this.socket.dropped;
  }

  onAmiEvent(listener: (e: AmiEventOut) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What PJSIPShowContacts lists: the AstDB's contacts, in key order, with live status. */
  contacts(): Contact[] {
    return storedContacts(this.astdb).map((c) => this.book.live(c));
  }

  aors(): Aor[] {
    return this.config.aors.map((a) => ({ ...a }));
  }

  endpoints(): Endpoint[] {
    return this.config.endpoints.map((e) => ({ name: e.name, aors: [...e.aors], deviceState: this.book.deviceState(e.name), auths: e.auth ? [e.auth] : [] }));
  }

  /** PJSIPQualify: false for an unknown endpoint. */
  qualifyEndpoint(name: string): boolean {
    const endpoint = this.config.endpoints.find((e) => e.name === name);
    if (!endpoint) return false;
    this.book.qualifyNow(endpoint.aors);
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.expiryTimer);
    this.book.close();
    this.pinger.close();
    this.listeners.clear();
    this.astdb.flush();
    await this.socket.close();
  }

  private handleRequest(req: SipRequest, from: UdpAddress): void {
    if (req.method === 'ACK') return; // never answered (RFC 3261 17.2.1)
    // Without a Via there is no way to answer; pjsip drops such requests too.
    if (headerValue(req.headers, 'via') === undefined) return;
    const cseq = /^(\d+)\s+(\S+)$/.exec(headerValue(req.headers, 'cseq') ?? '');
    const complete = ['call-id', 'from', 'to'].every((h) => headerValue(req.headers, h) !== undefined);
    if (!complete || !cseq || cseq[2]!.toUpperCase() !== req.method) {
      this.socket.send(buildResponse(req, from, 400), from);
      return;
    }
    if (req.method === 'REGISTER') this.socket.send(this.register(req, from), from);
    else if (req.method === 'OPTIONS') this.socket.send(buildResponse(req, from, 200, [['Accept', 'application/sdp'], ['Allow', 'OPTIONS, REGISTER']]), from);
    else this.socket.send(buildResponse(req, from, 501), from);
  }

  private register(req: SipRequest, from: UdpAddress): SipResponse {
    const now = this.clock();
    const earlier = this.retransmissions.lookup(req, from, now);
    if (earlier) return earlier;
    const response = this.registrar.handleRegister(req, from);
    if (response.status === 200) this.retransmissions.remember(req, from, response, now);
    return response;
  }

  /** check_expiration_thread: contacts past their expiration time leave the AstDB and memory in
   *  key order, each with `ContactStatus: Removed` (+ `PeerStatus: Unreachable` first when it is
   *  its endpoint's last). Recording f shows exactly this: Removed for phone1;@58e0..., then
   *  PeerStatus Unreachable, then Removed for phone1;@feb8.... */
  private expireContacts(): void {
    for (const c of expiredContacts(storedContacts(this.astdb), this.clock())) {
      deleteStoredContact(this.astdb, c.id);
      this.book.remove(c);
    }
  }
}

/** Where qualify sends OPTIONS: the contact URI's host and port (5060 by default); the Via
 *  source when the URI names a host rather than an address. */
function optionsTarget(c: Contact): UdpAddress {
  const m = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;?>]+)(?::(\d+))?/i.exec(c.uri);
  const host = m?.[1]?.replace(/^\[|\]$/g, '') ?? '';
  const isAddress = /^[\d.]+$/.test(host) || host.includes(':');
  return isAddress ? { address: host, port: m?.[2] ? Number(m[2]) : 5060 } : { address: c.viaAddr, port: c.viaPort };
}
