// The live registrar state: a full snapshot, then AMI events applied one by one in O(1).
//
// Telling a DBDel ghost from a phone that registers again with the same URI: after a DBDel,
// Asterisk keeps qualifying the deleted contact in memory, and that only ever yields
// ContactStatus Reachable or Unreachable (recordings c2, c4: no NonQualified, no Removed).
// A new REGISTER, on the other hand, always announces the binding as NonQualified first, even
// on a qualified AOR (c2 and c4 at registration, e before the first OPTIONS answer). So for a
// contact id the admin removed: NonQualified = the phone is back (mark cleared, contact
// created); Reachable / Unreachable = the ghost, never a resurrection. Not recorded: whether a
// phone re-registering the very same URI on a qualified AOR, while its ghost is still being
// qualified, is announced as NonQualified too. If not, it shows as a ghost until the next full
// sync lists it (fromSnapshot clears the mark), or until the bridge finds the key in the AstDB
// (DBGet) and calls clearRemovedMark + upsertContact.
import { contactId } from './contact-id';
import { pbxFacts } from './pbx-facts';
import type { Aor, Contact, ContactStatus, Endpoint, Ghost, PbxFacts, RegistrarEvent, RegistrarSnapshot, Refusal } from './types';

export type StateChange =
  /** incomplete: created from a ContactStatus event; the bridge fills details (DBGet) then calls upsertContact. */
  | { kind: 'contactUpserted'; contact: Contact; incomplete: boolean }
  /** `uri`: the contact that left, so every line about it can name it. */
  | { kind: 'contactRemoved'; contactId: string; uri: string; aor: string; endpoint: string; reason: 'unregisteredOrExpired' | 'removedByAdmin' }
  | { kind: 'endpointUpdated'; endpoint: Endpoint }
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'ghost'; ghost: Ghost };

type ContactStatusEvent = Extract<RegistrarEvent, { kind: 'contactStatus' }>;

export class RegistrarState {
  private readonly endpointsByName = new Map<string, Endpoint>();
  private readonly aorsByName = new Map<string, Aor>();
  private readonly contactsById = new Map<string, Contact>();
  /** In order of arrival. An array, not a Set: an AOR holds a few contacts, and a sync makes
   *  one per AOR (at 10,000 AORs, 10,000 Sets with their hash tables, kept as long as the state). */
  private readonly contactIdsByAor = new Map<string, string[]>();
  /** Contact ids the admin removed (DBDel), with the epoch ms it happened. */
  private readonly removedByAdmin = new Map<string, number>();
  private readonly ghostsById = new Map<string, Ghost>();
  /** From the snapshot: events change neither the version nor the endpoints' auths. */
  private factsNow: PbxFacts = pbxFacts(null, []);

  /**
   * Build from a full sync. Pass the state being replaced on a resync: removal marks and ghosts
   * outlive the AMI session (the ghost lasts until Asterisk restarts), except for contact ids
   * the snapshot shows registered again.
   */
  static fromSnapshot(s: RegistrarSnapshot, previous?: RegistrarState): RegistrarState {
    const state = new RegistrarState();
    for (const e of s.endpoints) state.endpointsByName.set(e.name, e);
    for (const a of s.aors) state.aorsByName.set(a.name, a);
    for (const c of s.contacts) state.store(c);
    state.factsNow = pbxFacts(s.asteriskVersion ?? null, s.endpoints);
    if (previous) {
      for (const [id, at] of previous.removedByAdmin) if (!state.contactsById.has(id)) state.removedByAdmin.set(id, at);
      for (const [id, g] of previous.ghostsById) if (state.removedByAdmin.has(id)) state.ghostsById.set(id, g);
    }
    return state;
  }

  apply(e: RegistrarEvent): StateChange[] {
    switch (e.kind) {
      case 'contactStatus':
        return this.applyContactStatus(e);
      case 'peerStatus':
        return this.applyPeerStatus(e.endpoint, e.status);
      case 'refused':
        return [
          {
            kind: 'refused',
            refusal: { endpoint: e.endpoint, source: e.source, callId: e.callId, at: e.at, maxContacts: this.refusingMaxContacts(e.endpoint) },
          },
        ];
    }
  }

  /**
   * Store a contact read from Asterisk (DBGet, a list). A status the events already told is kept
   * when the read one is `Unknown` (the AstDB holds no status). Ignored for a contact the admin
   * removed: a read that raced the DBDel must not bring it back (clearRemovedMark first on Undo).
   */
  upsertContact(c: Contact): StateChange[] {
    if (this.removedByAdmin.has(c.id)) return [];
    const known = this.contactsById.get(c.id);
    const contact = known && c.status === 'Unknown' ? { ...c, status: known.status, roundtripUsec: known.roundtripUsec } : c;
    this.store(contact);
    return [{ kind: 'contactUpserted', contact, incomplete: false }];
  }

  /** After a successful DBDel: forget the contact, and remember it so its ghost is recognised. */
  markRemovedByAdmin(id: string, at: number): StateChange[] {
    this.removedByAdmin.set(id, at);
    const gone = this.forget(id);
    return gone ? [{ kind: 'contactRemoved', contactId: id, uri: gone.uri, aor: gone.aor, endpoint: gone.endpoint, reason: 'removedByAdmin' }] : [];
  }

  /** After an Undo (DBPut): the contact may come back; its ghost is no longer one. */
  clearRemovedMark(id: string): void {
    this.removedByAdmin.delete(id);
    this.ghostsById.delete(id);
  }

  contact(id: string): Contact | undefined {
    return this.contactsById.get(id);
  }

  contactsOfAor(aor: string): Contact[] {
    return (this.contactIdsByAor.get(aor) ?? []).map((id) => this.contactsById.get(id)!);
  }

  aor(name: string): Aor | undefined {
    return this.aorsByName.get(name);
  }

  endpoint(name: string): Endpoint | undefined {
    return this.endpointsByName.get(name);
  }

  endpoints(): Endpoint[] {
    return [...this.endpointsByName.values()];
  }

  /** The Asterisk version and FreePBX detection, as of the last full sync. */
  facts(): PbxFacts {
    return this.factsNow;
  }

  ghosts(): Ghost[] {
    return [...this.ghostsById.values()];
  }

  isRemovedByAdmin(id: string): boolean {
    return this.removedByAdmin.has(id);
  }

  snapshot(): RegistrarSnapshot {
    return {
      endpoints: this.endpoints(),
      aors: [...this.aorsByName.values()],
      contacts: [...this.contactsById.values()],
      asteriskVersion: this.factsNow.asteriskVersion,
    };
  }

  private applyContactStatus(e: ContactStatusEvent): StateChange[] {
    const id = contactId(e.aor, e.uri);
    const known = this.contactsById.get(id);
    switch (e.status) {
      case 'Removed': {
        if (!known) return [];
        this.forget(id);
        return [{ kind: 'contactRemoved', contactId: id, uri: known.uri, aor: known.aor, endpoint: known.endpoint, reason: 'unregisteredOrExpired' }];
      }
      // A new binding (22.10.1 says NonQualified; Created/Updated are older Asterisk's words for
      // a binding created or refreshed by a REGISTER): the phone is there, whatever the mark said.
      case 'NonQualified':
      case 'Created':
      case 'Updated': {
        this.clearRemovedMark(id);
        const status: ContactStatus = e.status === 'NonQualified' ? 'NonQualified' : (known?.status ?? 'Unknown');
        const contact = { ...(known ?? this.placeholder(id, e)), status, roundtripUsec: null };
        this.store(contact);
        return [{ kind: 'contactUpserted', contact, incomplete: true }];
      }
      // Qualify results: a status change of a known contact, or the ghost of a removed one.
      case 'Reachable':
      case 'Unreachable':
      case 'Unknown': {
        const roundtripUsec = e.status === 'Reachable' ? e.roundtripUsec : null;
        if (this.removedByAdmin.has(id)) {
          const ghost: Ghost = { contactId: id, uri: e.uri, aor: e.aor, endpoint: e.endpoint, status: e.status, lastSeenAt: e.at };
          this.ghostsById.set(id, ghost);
          return [{ kind: 'ghost', ghost }];
        }
        const contact = { ...(known ?? this.placeholder(id, e)), status: e.status, roundtripUsec };
        this.store(contact);
        return [{ kind: 'contactUpserted', contact, incomplete: !known }];
      }
    }
  }

  /**
   * PeerStatus says whether the endpoint has any reachable contact; DeviceState (what
   * PJSIPShowEndpoints lists) follows it as Unavailable / Not in use. A device in a call keeps
   * its In use state when it turns Reachable.
   */
  private applyPeerStatus(name: string, status: string): StateChange[] {
    const known = this.endpointsByName.get(name);
    if (!known) return [];
    let deviceState = known.deviceState;
    if (status === 'Unreachable') deviceState = 'Unavailable';
    else if (status === 'Reachable' && (deviceState === 'Unavailable' || deviceState === 'Unknown')) deviceState = 'Not in use';
    if (deviceState === known.deviceState) return [];
    const endpoint = { ...known, deviceState };
    this.endpointsByName.set(name, endpoint);
    return [{ kind: 'endpointUpdated', endpoint }];
  }

  /**
   * FailedACL names the endpoint, not the AOR. Asterisk picks the AOR from the To user among the
   * endpoint's aors (find_aor_name), which for a phone is its own name: so the AOR named like the
   * endpoint if it has one, else its only AOR, else unknown.
   */
  private refusingMaxContacts(endpointName: string): number | null {
    const aors = this.endpointsByName.get(endpointName)?.aors ?? [];
    const name = aors.includes(endpointName) ? endpointName : aors.length === 1 ? aors[0] : undefined;
    const aor = name === undefined ? undefined : this.aorsByName.get(name);
    return aor ? aor.maxContacts : null;
  }

  private placeholder(id: string, e: ContactStatusEvent): Contact {
    const aor = this.aorsByName.get(e.aor);
    return {
      id,
      aor: e.aor,
      endpoint: e.endpoint,
      uri: e.uri,
      userAgent: '',
      viaAddr: '',
      viaPort: 0,
      callId: '',
      expirationTime: 0,
      status: 'Unknown',
      roundtripUsec: null,
      qualifyFrequency: aor?.qualifyFrequency ?? 0,
      qualifyTimeout: aor?.qualifyTimeout ?? 0,
      regServer: '',
      path: '',
      outboundProxy: '',
    };
  }

  private store(c: Contact): void {
    this.contactsById.set(c.id, c);
    const ids = this.contactIdsByAor.get(c.aor);
    if (!ids) this.contactIdsByAor.set(c.aor, [c.id]);
    else if (!ids.includes(c.id)) ids.push(c.id);
  }

  private forget(id: string): Contact | undefined {
    const c = this.contactsById.get(id);
    if (!c) return undefined;
    this.contactsById.delete(id);
    const ids = this.contactIdsByAor.get(c.aor);
    const at = ids ? ids.indexOf(id) : -1;
    if (at !== -1) ids!.splice(at, 1);
    return c;
  }
}
