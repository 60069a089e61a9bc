// REGISTER handling as res_pjsip does it, in order: identify the endpoint by the From user, else
// by the Authorization username (identify_by username, auth_username), challenge / verify digest
// credentials (pjsip_distributor.c,
// res_pjsip_authenticator_digest.c), find the AOR by the To user among the endpoint's aors
// (res_pjsip_registrar.c find_registrar_aor), then let core's admitRegister decide and carry
// out its outcome: AstDB rows, in-memory bindings and their events, and the SIP answer.
import { admitRegister, registrationExpiration } from '../../core/registrar-rules';
import type { StoredContactFlags } from '../../core/astdb-contact';
import type { Aor, RegisterRequest } from '../../core/types';
import type { AstDb } from '../astdb';
import type { SandboxAuth, SandboxConfig, SandboxEndpoint } from '../config/types';
import type { ContactBook } from '../contact-book';
import { deleteStoredContact, storeContact, storedContacts } from '../contact-store';
import { securityEvent, UNKNOWN_ACCOUNT, type AmiEventOut, type SecurityEventKind } from '../events';
import { DigestAuthority, parseDigestAuthorization } from './digest';
import { headerParams, headerUri, headerValue, headerValues, uriUser, type SipRequest, type SipResponse } from './message';
import { buildResponse } from './response';
import type { UdpAddress } from './udp';

export interface RegistrarDeps {
  config: SandboxConfig;
  db: AstDb;
  /** How contacts are stored: without qualify_2xx_only on versions that lack it. */
  storedFlags: StoredContactFlags;
  book: ContactBook;
  emit: (e: AmiEventOut) => void;
  /** Epoch milliseconds. */
  now: () => number;
  local: UdpAddress;
  /** Asterisk's log lines for what it refused (WARNING level). */
  log: (line: string) => void;
}

export class Registrar {
  private readonly endpoints: Map<string, SandboxEndpoint>;
  private readonly auths: Map<string, SandboxAuth>;
  private readonly aors: Map<string, Aor>;
  private readonly digest = new DigestAuthority();
  private readonly unidentified = new UnidentifiedRequests();

  constructor(private readonly deps: RegistrarDeps) {
    this.endpoints = new Map(deps.config.endpoints.map((e) => [e.name, e]));
    this.auths = new Map(deps.config.auths.map((a) => [a.name, a]));
    this.aors = new Map(deps.config.aors.map((a) => [a.name, a]));
  }

  handleRegister(req: SipRequest, from: UdpAddress): SipResponse {
    const callId = headerValue(req.headers, 'call-id') ?? '';
    const fromUser = uriUser(headerUri(headerValue(req.headers, 'from') ?? ''));
    const authHeader = headerValue(req.headers, 'authorization');
    const credentials = authHeader === undefined ? null : parseDigestAuthorization(authHeader);
    const endpoint = this.endpoints.get(fromUser) ?? this.endpointByAuthUsername(credentials?.username);
    const nowSec = Math.floor(this.deps.now() / 1000);

    if (!endpoint) {
      // No such endpoint: Asterisk challenges anyway (the artificial endpoint) so a scanner
      // cannot tell names apart, and reports the name only once a source keeps trying.
      if (this.unidentified.count(from.address, this.deps.now())) {
        this.security({ event: 'InvalidAccountID', accountId: fromUser }, callId, from);
        this.deps.log(`Request 'REGISTER' from '${headerValue(req.headers, 'from') ?? ''}' failed for '${from.address}:${from.port}' (callid: ${callId}) - No matching endpoint found`);
      }
      return this.challenge(req, from, UNKNOWN_ACCOUNT, callId, nowSec);
    }
    this.unidentified.forget(from.address);

    if (endpoint.auth !== null) {
      if (!credentials) return this.challenge(req, from, endpoint.name, callId, nowSec);
      const auth = this.auths.get(endpoint.auth);
      const verdict =
        auth && credentials.username === auth.username ? this.digest.verify(credentials, req.method, auth.password, from.address, nowSec) : 'wrongPassword';
      if (verdict === 'badNonce') return this.challenge(req, from, endpoint.name, callId, nowSec);
      if (verdict === 'stale') return this.challenge(req, from, endpoint.name, callId, nowSec, true);
      if (verdict === 'wrongPassword') {
        // A new 401, reported as ChallengeResponseFailed only (recording h: no second ChallengeSent).
        this.security({ event: 'ChallengeResponseFailed', accountId: endpoint.name, challenge: credentials.nonce, response: credentials.response }, callId, from);
        this.deps.log(`Request 'REGISTER' from '${headerValue(req.headers, 'from') ?? ''}' failed for '${from.address}:${from.port}' (callid: ${callId}) - Failed to authenticate`);
        return this.unauthorized(req, from, nowSec);
      }
      this.security({ event: 'SuccessfulAuth', accountId: endpoint.name }, callId, from);
    }
    return this.register(req, from, endpoint, callId, credentials?.username);
  }

  private security(kind: SecurityEventKind, callId: string, from: UdpAddress): void {
    this.deps.emit(securityEvent(kind, callId, { local: this.deps.local, remote: from }, this.deps.now()));
  }

  private challenge(req: SipRequest, from: UdpAddress, accountId: string, callId: string, nowSec: number, stale = false): SipResponse {
    this.security({ event: 'ChallengeSent', accountId }, callId, from);
    return this.unauthorized(req, from, nowSec, stale);
  }

  /** Nonces are bound to the source address, not its port (res_pjsip_authenticator_digest.c build_nonce). */
  private unauthorized(req: SipRequest, from: UdpAddress, nowSec: number, stale = false): SipResponse {
    return buildResponse(req, from, 401, [['WWW-Authenticate', this.digest.challenge(from.address, nowSec, stale).header]]);
  }

  /** identify_by auth_username (in Asterisk 22's default endpoint_identifier_order): the endpoint
   *  whose auth has the Authorization's username (res_pjsip_endpoint_identifier_user.c). */
  private endpointByAuthUsername(username: string | undefined): SandboxEndpoint | undefined {
    if (username === undefined) return undefined;
    return this.deps.config.endpoints.find((e) => e.auth !== null && this.auths.get(e.auth)?.username === username);
  }

  private register(
    req: SipRequest,
    from: UdpAddress,
    endpoint: SandboxEndpoint,
    callId: string,
    authUsername: string | undefined,
  ): SipResponse {
    const source = `${from.address}:${from.port}`;
    if (endpoint.aors.length === 0) {
      this.security({ event: 'FailedACL', accountId: endpoint.name, aclName: 'registrar_attempt_without_configured_aors' }, callId, from);
      this.deps.log(`Endpoint '${endpoint.name}' (${source}) has no configured AORs`);
      return buildResponse(req, from, 403);
    }
    // find_registrar_aor: the To user, else the Authorization username, among the endpoint's aors.
    const toUser = uriUser(headerUri(headerValue(req.headers, 'to') ?? ''));
    const aorName = [toUser, authUsername].find((n) => n !== undefined && endpoint.aors.includes(n));
    const aor = aorName === undefined ? undefined : this.aors.get(aorName);
    if (!aor) {
      this.security({ event: 'RequestNotSupported', accountId: endpoint.name, requestType: 'registrar_requested_aor_not_found' }, callId, from);
      this.deps.log(`AOR '${toUser}' not found for endpoint '${endpoint.name}' (${source})`);
      return buildResponse(req, from, 404);
    }
    if (aor.maxContacts === 0) {
      this.security({ event: 'RequestNotSupported', accountId: endpoint.name, requestType: 'registrar_attempt_without_registration_permitted' }, callId, from);
      this.deps.log(`AOR '${aor.name}' has no configured max_contacts. Endpoint '${endpoint.name}' (${source}) unable to register`);
      return buildResponse(req, from, 403);
    }

    const nowMs = this.deps.now();
    const request = registerRequest(req, endpoint.name, nowMs);
    const current = storedContacts(this.deps.db, aor.name).map((c) => this.deps.book.live(c));
    const outcome = admitRegister(aor, current, request);

    if (outcome.kind === 'invalid') {
      this.security({ event: 'FailedACL', accountId: endpoint.name, aclName: 'registrar_invalid_contacts_provided' }, callId, from);
      this.deps.log(`Failed to validate contacts in REGISTER request from '${endpoint.name}'`);
      return buildResponse(req, from, 400);
    }
    if (outcome.kind === 'refused') {
      this.security({ event: 'FailedACL', accountId: endpoint.name, aclName: 'registrar_attempt_exceeds_maximum_configured_contacts' }, callId, from);
      this.deps.log(`Registration attempt from endpoint '${endpoint.name}' (${source}) to AOR '${aor.name}' will exceed max contacts of ${aor.maxContacts}`);
      return buildResponse(req, from, 403);
    }

    // register_aor_core's order: the request's own bindings, then remove_existing's drops.
    for (const c of outcome.added) {
      storeContact(this.deps.db, c, this.deps.storedFlags);
      this.deps.book.add(c);
    }
    for (const c of outcome.refreshed) {
      storeContact(this.deps.db, c, this.deps.storedFlags);
      this.deps.book.refresh(c);
    }
    for (const c of [...outcome.unregistered, ...outcome.dropped]) {
      deleteStoredContact(this.deps.db, c.id);
      this.deps.book.remove(c);
    }

    const extra: Array<[string, string]> = [['Date', new Date(nowMs).toUTCString()]];
    for (const c of [...outcome.contacts].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      // Seconds left, rounded down: registrar_add_contact (a contact stored a moment ago shows 59 of 60).
      const left = Math.max(0, Math.floor((c.expirationTime * 1000 - nowMs) / 1000));
      extra.push(['Contact', `<${c.uri}>;expires=${left}`]);
    }
    // Only when the request had one: register_aor_core.
    if (request.expiresHeader !== null) extra.push(['Expires', String(registrationExpiration(aor, null, request.expiresHeader))]);
    return buildResponse(req, from, 200, extra);
  }
}

/** The REGISTER as core's rules see it. via_addr / via_port come from the last Via's sent-by,
 *  as register_aor_core takes them. */
function registerRequest(req: SipRequest, endpoint: string, nowMs: number): RegisterRequest {
  const vias = headerValues(req.headers, 'via');
  const sentBy = /^SIP\/2\.0\/\S+\s+(\[[^\]]+\]|[^:;\s]+)(?::(\d+))?/i.exec(vias[vias.length - 1] ?? '');
  const contacts = headerValues(req.headers, 'contact');
  const expires = headerValue(req.headers, 'expires');
  return {
    endpoint,
    callId: headerValue(req.headers, 'call-id') ?? '',
    cseq: Number.parseInt(headerValue(req.headers, 'cseq') ?? '0', 10),
    userAgent: headerValue(req.headers, 'user-agent') ?? '',
    viaAddr: sentBy?.[1]?.replace(/^\[|\]$/g, '') ?? '',
    viaPort: sentBy?.[2] ? Number(sentBy[2]) : 5060,
    expiresHeader: expires === undefined ? null : strictNumber(expires),
    bindings:
      contacts.length === 1 && contacts[0] === '*'
        ? '*'
        : contacts.map((value) => {
            const param = headerParams(value).get('expires');
            return { uri: headerUri(value), expires: param === undefined ? null : strictNumber(param) };
          }),
    now: nowMs / 1000,
  };
}

/** A decimal number, or NaN for anything else (core answers 400 for a non-integer). */
function strictNumber(s: string): number {
  return /^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN;
}

/** unidentified_request_count / _period defaults: res_pjsip/config_global.c. */
const UNIDENTIFIED_REQUEST_COUNT = 5;
const UNIDENTIFIED_REQUEST_PERIOD_MS = 5_000;

/**
 * pjsip_distributor.c with auth_username in endpoint_identifier_order (Asterisk 22's default):
 * requests from no known endpoint are counted per source address, and reported
 * (InvalidAccountID) only from the 5th one within 5 s on. Entries older than four periods go.
 */
class UnidentifiedRequests {
  private readonly seen = new Map<string, { firstSeen: number; count: number }>();

  /** Counts one request from `address`; true when it is to be reported. */
  count(address: string, nowMs: number): boolean {
    for (const [a, e] of this.seen) if (nowMs - e.firstSeen > 4 * UNIDENTIFIED_REQUEST_PERIOD_MS) this.seen.delete(a);
    const entry = this.seen.get(address);
    if (!entry) {
      this.seen.set(address, { firstSeen: nowMs, count: 1 });
      return false;
    }
    entry.count++;
    return nowMs - entry.firstSeen < UNIDENTIFIED_REQUEST_PERIOD_MS && entry.count >= UNIDENTIFIED_REQUEST_COUNT;
  }

  /** A known endpoint spoke from `address`: its count starts over. */
  forget(address: string): void {
    this.seen.delete(address);
  }
}
