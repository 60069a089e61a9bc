// What Asterisk keeps in memory about contacts, apart from the AstDB: their qualify status and
// round-trip time, the qualify timers, and each endpoint's reachability (res_pjsip/pjsip_options.c).
// It learns about contacts only from the registrar (added / refreshed / removed), never from the
// AstDB: a contact deleted from the AstDB stays here as a ghost that is still qualified and still
// keeps its endpoint "Not in use", and no event announces its deletion (FACTS.md). A contact
// put back into the AstDB (DBPut, RegDesk's Undo) is listed again at once, because Asterisk reads
// contacts from the AstDB on every query (res_sorcery_astdb.c); its status is the one still held
// here for that id (the ghost's), or Unknown for an id never registered, as ast_sip_get_contact_status
// finds nothing for it. It counts toward max_contacts and expires like any other, with Removed.
import type { Aor, Contact } from '../core/types';
import { contactStatusEvent, peerStatusEvent, type AmiEventOut } from './events';

export type QualifyStatus = 'NonQualified' | 'Reachable' | 'Unreachable';

export interface Binding {
  contact: Contact;
  status: QualifyStatus;
  roundtripUsec: number | null;
  timer?: NodeJS.Timeout;
}

/** Sends one OPTIONS to the contact; resolves with the round trip in µs, or null when unanswered. */
export type Pinger = (contact: Contact, timeoutMs: number) => Promise<number | null>;

export class ContactBook {
  private readonly bindings = new Map<string, Binding>();
  /** Binding ids per endpoint: an endpoint's reachability looks at its own contacts only, not at
   *  every binding of the PBX (PJSIPShowEndpoints asks it for every endpoint). An AOR may be
   *  shared by endpoints, so a contact id can move from one endpoint to another. */
  private readonly idsByEndpoint = new Map<string, Set<string>>();
  private closed = false;

  constructor(
    private readonly aorOf: (name: string) => Aor | undefined,
    private readonly emit: (e: AmiEventOut) => void,
    private readonly pinger: Pinger,
  ) {}

  /** The stored contact with its live qualify status: what PJSIPShowContacts prints. A contact
   *  never seen here (put into the AstDB by hand) is `Unknown`; RTT only while Reachable. */
  live(stored: Contact): Contact {
    const b = this.bindings.get(stored.id);
    if (!b) return { ...stored, status: 'Unknown', roundtripUsec: null };
    return { ...stored, status: b.status, roundtripUsec: b.status === 'Reachable' ? b.roundtripUsec : null };
  }

  /** A new binding from a REGISTER: `PeerStatus: Reachable` first if it brings its endpoint
   *  online, then `ContactStatus: NonQualified` (there is no Created); qualify starts at once. */
  add(contact: Contact): void {
    const wasOnline = this.endpointOnline(contact.endpoint);
    this.stopQualify(contact.id);
    this.forget(contact.id);
    this.bindings.set(contact.id, { contact, status: 'NonQualified', roundtripUsec: null });
    this.index(contact);
    if (!wasOnline && this.endpointOnline(contact.endpoint)) this.emit(peerStatusEvent(contact.endpoint, 'Reachable'));
    this.emit(contactStatusEvent(contact, 'NonQualified', 0));
    this.startQualify(contact);
  }

  /** A refreshed binding: new expiration / user agent, no event. */
  refresh(contact: Contact): void {
    const b = this.bindings.get(contact.id);
    if (!b) return this.add(contact);
    // Kept in place: a qualify in flight recognises its binding by identity.
    if (b.contact.endpoint !== contact.endpoint) {
      this.unindex(b.contact);
      this.index(contact);
    }
    b.contact = contact;
  }

  /** Unregistered, expired or dropped by the registrar: `PeerStatus: Unreachable` first when it
   *  was the endpoint's last available contact (recordings f, g), then `ContactStatus: Removed`. */
  remove(contact: Contact): void {
    const wasOnline = this.endpointOnline(contact.endpoint);
    this.stopQualify(contact.id);
    this.forget(contact.id);
    if (wasOnline && !this.endpointOnline(contact.endpoint)) this.emit(peerStatusEvent(contact.endpoint, 'Unreachable'));
    this.emit(contactStatusEvent(contact, 'Removed', 0));
  }

  /** Qualifies every binding of these AORs now (PJSIPQualify), ghosts included. */
  qualifyNow(aors: readonly string[]): void {
    for (const b of this.bindings.values()) if (aors.includes(b.contact.aor)) void this.qualify(b.contact.id);
  }

  /** The endpoint's device state: `Not in use` while any of its bindings is available. */
  deviceState(endpoint: string): string {
    return this.endpointOnline(endpoint) ? 'Not in use' : 'Unavailable';
  }

  close(): void {
    this.closed = true;
    for (const id of this.bindings.keys()) this.stopQualify(id);
  }

  /** Drops the binding of `id`, if any, from both maps. */
  private forget(id: string): void {
    const b = this.bindings.get(id);
    if (!b) return;
    this.bindings.delete(id);
    this.unindex(b.contact);
  }

  private index(c: Contact): void {
    const ids = this.idsByEndpoint.get(c.endpoint);
    if (ids) ids.add(c.id);
    else this.idsByEndpoint.set(c.endpoint, new Set([c.id]));
  }

  private unindex(c: Contact): void {
    const ids = this.idsByEndpoint.get(c.endpoint);
    ids?.delete(c.id);
    if (ids?.size === 0) this.idsByEndpoint.delete(c.endpoint);
  }

  /** pjsip_options.c counts every contact of an unqualified AOR as available, and only
   *  Reachable ones of a qualified AOR; the endpoint is online while any AOR has one. */
  private endpointOnline(endpoint: string): boolean {
    for (const id of this.idsByEndpoint.get(endpoint) ?? []) {
      const b = this.bindings.get(id)!;
      const qualified = (this.aorOf(b.contact.aor)?.qualifyFrequency ?? 0) > 0;
      if (!qualified || b.status === 'Reachable') return true;
    }
    return false;
  }

  private startQualify(contact: Contact): void {
    const aor = this.aorOf(contact.aor);
    if (!aor || aor.qualifyFrequency <= 0 || this.closed) return;
    const b = this.bindings.get(contact.id)!;
    b.timer = setInterval(() => void this.qualify(contact.id), aor.qualifyFrequency * 1000);
    b.timer.unref();
    void this.qualify(contact.id);
  }

  private stopQualify(id: string): void {
    clearInterval(this.bindings.get(id)?.timer);
  }

  private async qualify(id: string): Promise<void> {
    const sent = this.bindings.get(id);
    if (!sent) return;
    const aor = this.aorOf(sent.contact.aor);
    const rtt = await this.pinger(sent.contact, (aor?.qualifyTimeout ?? 3) * 1000);
    const b = this.bindings.get(id);
    if (!b || b !== sent || this.closed) return; // removed or replaced while the OPTIONS was out
    const status: QualifyStatus = rtt === null ? 'Unreachable' : 'Reachable';
    b.roundtripUsec = rtt;
    if (status === b.status) return; // events only on a change of status, not of RTT
    const wasOnline = this.endpointOnline(b.contact.endpoint);
    b.status = status;
    const isOnline = this.endpointOnline(b.contact.endpoint);
    if (wasOnline !== isOnline) this.emit(peerStatusEvent(b.contact.endpoint, isOnline ? 'Reachable' : 'Unreachable'));
    this.emit(contactStatusEvent(b.contact, status, rtt ?? 0));
  }
}
