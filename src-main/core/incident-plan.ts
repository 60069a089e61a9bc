// Incident mode (issue 13): after a power cut or a firmware push every phone comes back from a
// new port without unregistering, and every AOR with max_contacts >= 2 and remove_existing = no
// is full of its own leftovers. This turns the live state into one reviewable plan: every
// contact a batch would remove, grouped per endpoint, with its reason. Pure: the state, the
// recent refusals and the time come in; the same plan drives the window, the CLI and the service.
import { diagnoseAor } from './diagnosis';
import type { IncidentPlan, PlanGroup, PlannedRemoval, PlanReason } from './incident-model';
import type { RecentRefusals } from './refusal-window';
import type { RegistrarState } from './registrar-state';
import type { Contact, SourceAddress } from './types';

export type { IncidentPlan, PlanGroup, PlannedRemoval, PlanReason } from './incident-model';

/** Fewer blocked endpoints than this is an ordinary stuck phone, not an incident. */
export const INCIDENT_MIN_ENDPOINTS = 3;

export interface PlanOptions {
  /** false (the default): only contacts that block a phone (AOR at its limit, or refused now). */
  allStale?: boolean;
  /** Only these endpoints; all when absent or empty. */
  endpoints?: readonly string[];
}

/**
 * Every removable stale contact, per endpoint. Ghosts are left out: they are already gone from
 * the AstDB (only an Asterisk restart clears them), so a DBDel would remove nothing.
 * `recentRefusals`: refusals per endpoint in the recent window (RefusalWindow.recent).
 */
export function planStaleRemovals(
  state: RegistrarState,
  recentRefusals: ReadonlyMap<string, RecentRefusals>,
  now: number,
  options: PlanOptions = {},
): IncidentPlan {
  const only = options.endpoints && options.endpoints.length ? new Set(options.endpoints) : null;
  const allStale = options.allStale ?? false;
  const groups: PlanGroup[] = [];
  const planned = new Set<string>();
  let notBlocking = 0;
  for (const endpoint of state.endpoints()) {
    if (only && !only.has(endpoint.name)) continue;
    const refused = recentRefusals.get(endpoint.name);
    const refusedNow = (refused?.count ?? 0) > 0;
    const contacts: PlannedRemoval[] = [];
    for (const aorName of endpoint.aors) {
      const aor = state.aor(aorName);
      if (!aor) continue;
      const aorContacts = state.contactsOfAor(aorName);
      const byId = new Map(aorContacts.map((c) => [c.id, c]));
      const d = diagnoseAor(aor, aorContacts, [], now);
      // diagnoseAor was given no ghosts: every mark is of a contact still in the AstDB.
      const marks: Array<{ contactId: string; reason: PlanReason; supersededBy?: string; refusedFrom?: SourceAddress }> = d.stale.flatMap((m) => (m.reason === 'ghost' ? [] : [{ ...m, reason: m.reason }]));
      if (d.atLimit && refused) marks.push(...leftoversOfRefusedPhones(aorContacts, refused.sources, new Set(d.stale.map((m) => m.contactId))));
      for (const mark of marks) {
        const c = byId.get(mark.contactId);
        // An AOR shared by several endpoints: its contact is planned once, under the first.
        if (!c || planned.has(c.id)) continue;
        if (!allStale && !d.atLimit && !refusedNow) {
          notBlocking++;
          continue;
        }
        const newer = mark.supersededBy ? byId.get(mark.supersededBy) : undefined;
        planned.add(c.id);
        contacts.push({
          contactId: c.id,
          aor: aorName,
          endpoint: endpoint.name,
          uri: c.uri,
          userAgent: c.userAgent,
          viaAddr: c.viaAddr,
          viaPort: c.viaPort,
          callId: c.callId,
          expirationTime: c.expirationTime,
          reason: mark.reason,
          refusedFrom: mark.refusedFrom ?? null,
          replacedBy: newer ? { contactId: newer.id, uri: newer.uri, viaAddr: newer.viaAddr, viaPort: newer.viaPort } : null,
          aorAtLimit: d.atLimit,
          refusedNow,
        });
      }
    }
    if (contacts.length) groups.push({ endpoint: endpoint.name, contacts });
  }
  groups.sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
  return { at: now, allStale, groups, contacts: groups.reduce((n, g) => n + g.contacts.length, 0), notBlocking };
}

/**
 * For each refused source: the one contact of the full AOR with the same Via address and another
 * port, that does not answer qualify. Two or more such contacts (a desk phone and a softphone
 * behind one NAT address) cannot be told apart by the refusal, which carries no User-Agent:
 * none of them is planned.
 */
function leftoversOfRefusedPhones(contacts: readonly Contact[], sources: readonly SourceAddress[], marked: ReadonlySet<string>) {
  const out: Array<{ contactId: string; reason: 'leftoverOfRefusedPhone'; refusedFrom: SourceAddress }> = [];
  for (const source of sources) {
    // A contact from the very address:port that was refused is the phone itself, not a leftover.
    if (contacts.some((c) => c.viaAddr === source.addr && c.viaPort === source.port)) continue;
    const candidates = contacts.filter((c) => c.viaAddr === source.addr && c.status !== 'Reachable');
    if (candidates.length === 1 && !marked.has(candidates[0]!.id)) out.push({ contactId: candidates[0]!.id, reason: 'leftoverOfRefusedPhone', refusedFrom: source });
  }
  return out;
}

/** The contacts of a plan, in plan order. */
export function plannedContacts(plan: IncidentPlan): PlannedRemoval[] {
  return plan.groups.flatMap((g) => g.contacts);
}
