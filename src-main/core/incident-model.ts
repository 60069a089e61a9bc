// The incident plan and summary as data (issue 13): what crosses to the renderer, the CLI's
// --json and the services. Types only, so the renderer can import them without core's code.
import type { Contact, SourceAddress, StaleReason } from './types';

/**
 * Why the plan removes a contact: today's diagnosis (ghosts aside), plus the leftover of a
 * refused phone. A phone that rebooted and is refused never gets its new binding in, so there
 * is no newer contact to compare with; what ties the old binding to it is the refusal itself:
 * FailedACL's RemoteAddress is the phone's address, and its old binding has that Via address
 * with another port.
 */
export type PlanReason = Exclude<StaleReason, 'ghost'> | 'leftoverOfRefusedPhone';

/**
 * What the runner needs to re-check a contact before it deletes it, and the admin to judge it.
 * callId and expirationTime are as read now: a phone that registers this contact again changes
 * them, and is skipped.
 */
export interface PlannedRemoval extends Pick<Contact, 'aor' | 'endpoint' | 'uri' | 'userAgent' | 'viaAddr' | 'viaPort' | 'callId' | 'expirationTime'> {
  contactId: string;
  reason: PlanReason;
  /** leftoverOfRefusedPhone: the refused REGISTER's source. */
  refusedFrom: SourceAddress | null;
  /** The newer contact of the same device that replaced it (supersededBySameDevice). */
  replacedBy: { contactId: string; uri: string; viaAddr: string; viaPort: number } | null;
  /** The AOR is at its limit: the next new phone gets 403. */
  aorAtLimit: boolean;
  /** The endpoint had a REGISTER refused for max_contacts in the recent window. */
  refusedNow: boolean;
}

export interface PlanGroup {
  endpoint: string;
  contacts: PlannedRemoval[];
}

export interface IncidentPlan {
  /** Epoch ms the plan was computed at. */
  at: number;
  allStale: boolean;
  groups: PlanGroup[];
  /** Number of contacts over all groups. */
  contacts: number;
  /** Stale contacts left out because they block nothing (shown with the "every stale" switch). */
  notBlocking: number;
}

/** An endpoint whose phone came back from a new port without unregistering. */
export interface RebootingEndpoint {
  endpoint: string;
  aor: string;
  /** Leftover bindings of the same device (same Via address and User-Agent) still held. */
  leftovers: number;
  userAgent: string;
}

export interface IncidentExplanation {
  rebooting: RebootingEndpoint[];
  /** The AORs (max_contacts >= 2, remove_existing = no) that keep refusing. */
  aors: string[];
  /** pjsip.conf: lines to merge into each AOR section. */
  pjsipConf: string;
  /** FreePBX: its generated AORs take their options from /etc/asterisk/pjsip.aor_custom_post.conf. */
  freepbxCustomPost: string;
}

export interface IncidentSummary {
  /** Several endpoints blocked at once: the banner shows. */
  active: boolean;
  /** Endpoints with at least one blocking stale contact. */
  blockedEndpoints: number;
  /** Stale contacts holding their slots (the default plan's size). */
  staleContacts: number;
  refusalsPerMinute: number;
  explanation: IncidentExplanation;
}
