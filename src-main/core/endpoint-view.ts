// The endpoint table row and detail view, computed from the state with the registrar rules,
// the diagnosis and the dial string. `now` is epoch milliseconds.
import { diagnoseAor, type AdviceContext } from './diagnosis';
import { factsVersion } from './pbx-facts';
import { dialContacts } from './dial-string';
import type { RegistrarState } from './registrar-state';
import { whatIfRegister } from './registrar-rules';
import type { Aor, ContactStatus, Endpoint, EndpointDetail, EndpointHistoryEntry, EndpointRow } from './types';

const STATUS_SEVERITY: Record<ContactStatus, number> = { NonQualified: 0, Reachable: 1, Unknown: 2, Unreachable: 3 };

/** An endpoint's row. An AOR shared by several endpoints counts for each of them. */
export function endpointRow(state: RegistrarState, name: string, refusals: number, now: number): EndpointRow {
  const endpoint = knownEndpoint(state, name);
  const aors = knownAors(state, endpoint);
  const contacts = aors.flatMap((a) => state.contactsOfAor(a.name));
  const diagnoses = aors.map((a) => diagnoseAor(a, state.contactsOfAor(a.name), ghostsOf(state, a), now));
  const newest = contacts
    .filter((c) => c.userAgent)
    .reduce<(typeof contacts)[number] | null>((best, c) => (!best || c.expirationTime > best.expirationTime ? c : best), null);
  return {
    endpoint: name,
    aors: endpoint.aors,
    contacts: contacts.length,
    maxContacts: aors.reduce((sum, a) => sum + a.maxContacts, 0),
    // Several AORs: the row shows an option as on only when every AOR has it.
    removeExisting: aors.length > 0 && aors.every((a) => a.removeExisting),
    removeUnavailable: aors.length > 0 && aors.every((a) => a.removeUnavailable),
    worstStatus: contacts.reduce<ContactStatus | null>(
      (worst, c) => (worst === null || STATUS_SEVERITY[c.status] > STATUS_SEVERITY[worst] ? c.status : worst),
      null,
    ),
    newestUserAgent: newest?.userAgent ?? null,
    atLimit: diagnoses.some((d) => d.atLimit),
    staleContacts: new Set(diagnoses.flatMap((d) => d.stale.map((m) => m.contactId))).size,
    refusals,
  };
}

/** Whether two rows show the same thing (the services send only rows that changed). */
export function sameRow(a: EndpointRow, b: EndpointRow): boolean {
  for (const key of Object.keys(a) as Array<keyof EndpointRow>) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => v === y[i])) continue;
    return false;
  }
  return true;
}

export function endpointDetail(
  state: RegistrarState,
  name: string,
  history: EndpointHistoryEntry[],
  refusals: number,
  now: number,
): EndpointDetail {
  const endpoint = knownEndpoint(state, name);
  const context = adviceContext(state);
  return {
    row: endpointRow(state, name, refusals, now),
    aors: knownAors(state, endpoint).map((aor) => {
      const contacts = state.contactsOfAor(aor.name);
      const users = state.endpoints().filter((e) => e.aors.includes(aor.name)).map((e) => e.name);
      return {
        aor,
        contacts,
        diagnosis: diagnoseAor(aor, contacts, ghostsOf(state, aor), now, users, context),
        whatIf: whatIfRegister(aor, contacts, now),
      };
    }),
    dialString: dialContacts(state, name),
    history,
  };
}

/** The advice fits the PBX: its Asterisk version's options, FreePBX's files. */
function adviceContext(state: RegistrarState): AdviceContext {
  const facts = state.facts();
  return { version: factsVersion(facts), freepbx: facts.freepbx };
}

function knownEndpoint(state: RegistrarState, name: string): Endpoint {
  const endpoint = state.endpoint(name);
  if (!endpoint) throw new Error(`unknown endpoint: ${JSON.stringify(name)}`);
  return endpoint;
}

/** The endpoint's AORs that the state knows, in configured order. */
function knownAors(state: RegistrarState, endpoint: Endpoint): Aor[] {
  const aors: Aor[] = [];
  for (const name of endpoint.aors) {
    const aor = state.aor(name);
    if (aor) aors.push(aor);
  }
  return aors;
}

function ghostsOf(state: RegistrarState, aor: Aor) {
  return state.ghosts().filter((g) => g.aor === aor.name);
}
