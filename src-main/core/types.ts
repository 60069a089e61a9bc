// The registrar model, in Asterisk's words. Plain data only: everything here crosses
// process boundaries (IPC, WebSocket, --json) unchanged.

/** A contact's qualify state as PJSIPShowContacts reports it in `Status`. */
export type ContactStatus = 'NonQualified' | 'Reachable' | 'Unreachable' | 'Unknown';

/** One registered binding: one row of PJSIPShowContacts, one AstDB entry under registrar/contact. */
export interface Contact {
  /** The contact id, which is also the AstDB key: `<aor>;@<md5 of uri>`. */
  id: string;
  aor: string;
  endpoint: string;
  uri: string;
  userAgent: string;
  /** The address and port the REGISTER came from (Via), i.e. where the phone is. */
  viaAddr: string;
  viaPort: number;
  callId: string;
  /** Absolute epoch seconds, as Asterisk stores it. */
  expirationTime: number;
  status: ContactStatus;
  /** Qualify round-trip time in microseconds; null when Asterisk reports `N/A`. */
  roundtripUsec: number | null;
  qualifyFrequency: number;
  qualifyTimeout: number;
  regServer: string;
  path: string;
  outboundProxy: string;
}

/** An address of record and the registrar options that decide what a REGISTER does. */
export interface Aor {
  name: string;
  maxContacts: number;
  removeExisting: boolean;
  removeUnavailable: boolean;
  qualifyFrequency: number;
  qualifyTimeout: number;
  minimumExpiration: number;
  defaultExpiration: number;
  maximumExpiration: number;
}

export interface Endpoint {
  name: string;
  /** The endpoint's `aors` option, in configured order. */
  aors: string[];
  /** `DeviceState` from PJSIPShowEndpoints, e.g. `Not in use`, `Unavailable`. */
  deviceState: string;
}

/** What a full sync reads: PJSIPShowEndpoints + PJSIPShowAors + PJSIPShowContacts. */
export interface RegistrarSnapshot {
  endpoints: Endpoint[];
  aors: Aor[];
  contacts: Contact[];
}

/** Where a SIP request came from, parsed from an AMI security event's `RemoteAddress`
 *  (`IPV4/UDP/127.0.0.1/5073`). */
export interface SourceAddress {
  family: 'IPV4' | 'IPV6';
  transport: string;
  addr: string;
  port: number;
}

/**
 * Live events that change or inform the registrar state, as the AMI bridge types them.
 * `at` is the epoch-millisecond time the event was received (core takes time as data).
 */
export type RegistrarEvent =
  | {
      kind: 'contactStatus';
      /** `ContactStatus` event: NonQualified / Reachable / Unreachable / Removed
       *  (Created / Updated exist in Asterisk's source but 22.10.1 does not emit them). */
      status: 'NonQualified' | 'Reachable' | 'Unreachable' | 'Removed' | 'Created' | 'Updated' | 'Unknown';
      uri: string;
      aor: string;
      endpoint: string;
      roundtripUsec: number | null;
      at: number;
    }
  | {
      kind: 'peerStatus';
      /** `Peer: PJSIP/<endpoint>` with the `PJSIP/` stripped. */
      endpoint: string;
      status: string;
      at: number;
    }
  | {
      /** FailedACL with ACLName registrar_attempt_exceeds_maximum_configured_contacts:
       *  Asterisk answered 403 because the AOR is full. The event names no AOR. */
      kind: 'refused';
      endpoint: string;
      source: SourceAddress | null;
      callId: string;
      at: number;
    };

/** A REGISTER as the registrar rules see it: already authenticated, for one AOR. */
export interface RegisterRequest {
  endpoint: string;
  callId: string;
  /** CSeq number; a lower or equal CSeq on the same Call-ID is a retransmission or out of order. */
  cseq: number;
  userAgent: string;
  viaAddr: string;
  viaPort: number;
  /** The Expires header, if present. */
  expiresHeader: number | null;
  /** Contact header values; `'*'` is the wildcard (remove all, only valid with Expires: 0). */
  bindings: Array<{ uri: string; expires: number | null }> | '*';
  /** Epoch seconds. */
  now: number;
}

/** What the registrar decided for one REGISTER. */
export type RegisterOutcome =
  | {
      kind: 'accepted';
      /** New contacts created by this REGISTER. */
      added: Contact[];
      /** Existing contacts whose expiration (and call-id/UA/via) were refreshed. */
      refreshed: Contact[];
      /** Contacts the request itself removed (Expires 0 or `*`). */
      unregistered: Contact[];
      /** Contacts dropped by remove_existing / remove_unavailable to make room. */
      dropped: Contact[];
      /** The AOR's contacts after the REGISTER, as the 200 OK lists them. */
      contacts: Contact[];
    }
  | { kind: 'refused'; reason: 'maxContacts'; maxContacts: number; sipStatus: 403 }
  | { kind: 'invalid'; reason: string; sipStatus: 400 };

/** Why a contact looks stuck. Codes, not prose: the renderer and CLI word them per language. */
export type StaleReason =
  /** Same via address and user agent as a newer contact of the AOR: the phone rebooted
   *  (or changed port) without unregistering, and this binding outlived it. */
  | 'supersededBySameDevice'
  /** A qualified AOR whose contact does not answer OPTIONS. */
  | 'unreachable'
  /** Removed from the AstDB but Asterisk keeps qualifying it in memory (the DBDel ghost). */
  | 'ghost'
  /** Its expiration time has passed; Asterisk drops it at the next expiry check (every 30 s). */
  | 'expired';

export interface StaleMark {
  contactId: string;
  reason: StaleReason;
  /** For supersededBySameDevice: the newer contact that replaced it. */
  supersededBy?: string;
}

/** The exact configuration lines that would stop the AOR from refusing phones. */
export interface Advice {
  aor: string;
  /** `[<aor>]` section lines for pjsip.conf (type=aor). */
  pjsipConf: string;
  /** `[<endpoint>]` section lines for pjsip_wizard.conf (type=wizard, aor/ prefix). */
  wizardConf: string;
}

export interface AorDiagnosis {
  aor: string;
  contacts: number;
  maxContacts: number;
  /** contacts >= max_contacts with remove_existing = no: the next new phone gets 403. */
  atLimit: boolean;
  stale: StaleMark[];
  /** Present when the AOR is at its limit and remove_existing is off. */
  advice: Advice | null;
}

/** Something that happened to an endpoint, for its recent-history list. */
export interface EndpointHistoryEntry {
  at: number;
  kind: 'registered' | 'unregistered' | 'expired' | 'removedByAdmin' | 'restoredByAdmin' | 'refused' | 'reachable' | 'unreachable';
  contactUri?: string;
  source?: SourceAddress | null;
}

/** One row of the endpoint table: everything the list shows, computed in core. */
export interface EndpointRow {
  endpoint: string;
  aors: string[];
  contacts: number;
  /** Sum of max_contacts over the endpoint's AORs. */
  maxContacts: number;
  removeExisting: boolean;
  removeUnavailable: boolean;
  /** Worst qualify status among its contacts (Unreachable > Unknown > Reachable > NonQualified); null with no contacts. */
  worstStatus: ContactStatus | null;
  /** User agent of the most recently registered contact. */
  newestUserAgent: string | null;
  atLimit: boolean;
  staleContacts: number;
  /** Refusals (403 for max_contacts) seen for this endpoint since the app connected. */
  refusals: number;
}

/** What would happen if one more phone registered to this AOR now (from the registrar rules). */
export type WhatIf =
  | { kind: 'admitted' }
  | { kind: 'refused'; maxContacts: number }
  | { kind: 'drops'; contactIds: string[] };

export interface EndpointDetail {
  row: EndpointRow;
  aors: Array<{ aor: Aor; contacts: Contact[]; diagnosis: AorDiagnosis; whatIf: WhatIf }>;
  /** What ${PJSIP_DIAL_CONTACTS(endpoint)} returns now, computed from the state. */
  dialString: string;
  history: EndpointHistoryEntry[];
}

/** A REGISTER Asterisk refused with 403 because the AOR was full (FailedACL). */
export interface Refusal {
  endpoint: string;
  source: SourceAddress | null;
  /** The refused REGISTER's SIP Call-ID (FailedACL `SessionID`). */
  callId: string;
  /** Epoch milliseconds the event was received. */
  at: number;
  /** max_contacts of the AOR that refused it, when the state can tell which AOR that was. */
  maxContacts: number | null;
}

/**
 * A contact the admin removed from the AstDB that Asterisk still qualifies in memory (the DBDel
 * ghost, FACTS): it shows up only through ContactStatus events for its URI, until a restart.
 */
export interface Ghost {
  contactId: string;
  uri: string;
  aor: string;
  endpoint: string;
  status: ContactStatus;
  /** Epoch milliseconds of the last ContactStatus event seen for it. */
  lastSeenAt: number;
}
