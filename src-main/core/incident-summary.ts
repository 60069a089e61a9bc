// The incident banner and its explanation, from the blocking plan: how many endpoints refuse
// their phones, how many stale contacts hold their slots, how fast phones are refused, and the
// fix that stops it happening again. Pure (plan and figures in, summary out).
import type { IncidentPlan, IncidentSummary, RebootingEndpoint } from './incident-model';
import { INCIDENT_MIN_ENDPOINTS } from './incident-plan';
import type { RegistrarState } from './registrar-state';

export type { IncidentExplanation, IncidentSummary, RebootingEndpoint } from './incident-model';


/**
 * Live state only: a device counts as rebooting without unregistering when at least
 * `minLeftovers` of its older bindings are still held (each one is a return from a new port).
 * Counting returns over the last H hours needs the persisted per-endpoint history (issue 12).
 */
export function summarizeIncident(
  plan: IncidentPlan,
  state: RegistrarState,
  refusalsPerMinute: number,
  options: { minLeftovers?: number; minEndpoints?: number } = {},
): IncidentSummary {
  const minLeftovers = options.minLeftovers ?? 1;
  const rebooting: RebootingEndpoint[] = [];
  const aors = new Set<string>();
  for (const g of plan.groups) {
    // Both mean the same device came back from a new port while its old binding stayed.
    const superseded = g.contacts.filter((c) => c.reason === 'supersededBySameDevice' || c.reason === 'leftoverOfRefusedPhone');
    if (superseded.length >= minLeftovers) {
      rebooting.push({ endpoint: g.endpoint, aor: superseded[0]!.aor, leftovers: superseded.length, userAgent: superseded[0]!.userAgent });
    }
    for (const c of g.contacts) {
      const aor = state.aor(c.aor);
      if (aor && !aor.removeExisting) aors.add(c.aor);
    }
  }
  const aorList = [...aors].sort();
  return {
    active: plan.groups.length >= (options.minEndpoints ?? INCIDENT_MIN_ENDPOINTS),
    blockedEndpoints: plan.groups.length,
    staleContacts: plan.contacts,
    refusalsPerMinute: Math.round(refusalsPerMinute * 10) / 10,
    explanation: {
      rebooting,
      aors: aorList,
      // remove_existing = yes: at the limit, a new binding replaces the soonest-expiring contact
      // (res_pjsip_registrar.c, remove_excess_contacts), which is the leftover of a rebooted phone.
      pjsipConf: aorList.map((a) => `[${a}]\ntype=aor\nremove_existing=yes`).join('\n\n'),
      // Asterisk's (+) appends to the section FreePBX generated; survives "Apply Config".
      freepbxCustomPost: aorList.map((a) => `[${a}](+)\nremove_existing=yes`).join('\n\n'),
    },
  };
}
