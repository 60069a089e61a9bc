// What `regdesk serve` exports about one AOR, and which AORs get series of their own. A fleet
// of 200 PBXs with 1,000 AORs each would be 600,000 per-AOR series; by default only the AORs
// an admin must look at get them. `now` is epoch milliseconds.
import { diagnoseAor } from './diagnosis';
import type { Aor, Contact, ContactStatus, Ghost } from './types';

export interface AorFigures {
  aor: string;
  contacts: number;
  maxContacts: number;
  /** The next new phone would get 403 (diagnosis' atLimit). */
  atLimit: boolean;
  staleContacts: number;
  /** Contacts per qualify status. */
  byStatus: Record<ContactStatus, number>;
  /**
   * Epoch ms after which these figures may change with no event (a contact expires: it turns
   * stale, and its slot may count as free); Infinity when only an event can change them.
   */
  recheckAt: number;
}

export const CONTACT_STATUSES: readonly ContactStatus[] = ['Reachable', 'Unreachable', 'NonQualified', 'Unknown'];

/** How long a refusal keeps its AOR's series exported. */
export const REFUSAL_KEEPS_SERIES_MS = 3_600_000;

export function aorFigures(aor: Aor, contacts: readonly Contact[], ghosts: readonly Ghost[], now: number): AorFigures {
  const d = diagnoseAor(aor, contacts, ghosts, now);
  const byStatus: Record<ContactStatus, number> = { Reachable: 0, Unreachable: 0, NonQualified: 0, Unknown: 0 };
  let recheckAt = Infinity;
  for (const c of contacts) {
    byStatus[c.status]++;
    const expiresAt = c.expirationTime * 1000;
    if (expiresAt > now && expiresAt < recheckAt) recheckAt = expiresAt;
  }
  return { aor: aor.name, contacts: d.contacts, maxContacts: d.maxContacts, atLimit: d.atLimit, staleContacts: d.stale.length, byStatus, recheckAt };
}

/**
 * The default rule for per-AOR series: an AOR that is at its limit, holds a stale contact, or
 * refused a phone within the last hour. `lastRefusedAt` is epoch ms, null if never.
 */
export function exportsAorSeries(figures: AorFigures, lastRefusedAt: number | null, now: number): boolean {
  return needsAttention(figures) || (lastRefusedAt !== null && refusalIsRecent(lastRefusedAt, now));
}

/** At its limit or holding a stale contact (exported whatever its refusals). */
export function needsAttention(figures: AorFigures): boolean {
  return figures.atLimit || figures.staleContacts > 0;
}

/** A refusal at `at` still keeps its AOR's series exported at `now`. */
export function refusalIsRecent(at: number, now: number): boolean {
  return now - at < REFUSAL_KEEPS_SERIES_MS;
}

/**
 * The AOR a refusal of `endpoint` is charged to. FailedACL names the endpoint, not the AOR;
 * Asterisk takes the AOR from the To user among the endpoint's aors (find_aor_name), which for
 * a phone is its own name: so the AOR named like the endpoint if it has one, else its only AOR
 * (as RegistrarState.refusingMaxContacts), else the first one at its limit, else the first.
 */
export function refusingAor(endpoint: string, endpointAors: readonly string[], figuresOf: (aor: string) => AorFigures | undefined): string | null {
  if (endpointAors.includes(endpoint)) return endpoint;
  if (endpointAors.length === 1) return endpointAors[0]!;
  return endpointAors.find((name) => figuresOf(name)?.atLimit) ?? endpointAors[0] ?? null;
}
