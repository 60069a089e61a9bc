// The PJSIP actions: res_pjsip/location.c (PJSIPShowContacts, PJSIPShowAors),
// res_pjsip/pjsip_configuration.c (PJSIPShowEndpoints, PJSIPShowEndpoint),
// res_pjsip_registrar.c (PJSIPShowRegistrationsInbound, ...ContactStatuses) and
// res_pjsip/pjsip_options.c (PJSIPQualify). All need `system` write except PJSIPQualify
// (system or reporting). Objects are listed sorted by name, contacts by id, as Asterisk's
// sorcery containers return them.
import type { Aor, Contact, Endpoint } from '../../../core/types';
import { fieldsOfVersion, type SandboxAsterisk } from '../../asterisk-versions';
import type { SandboxEndpoint } from '../../config/types';
import type { PbxView } from '../pbx-view';
import { CLASS } from '../permissions';
import { error, listComplete, listItem, listStart, success } from '../wire';
import type { AmiField } from '../wire';
import type { ActionRequest, ActionSpec } from './action';
import {
  aorDetailFields,
  aorFields,
  authDetailFields,
  contactFields,
  endpointDetailFields,
  endpointListFields,
  inboundRegistrationFields,
  transportDetailFields,
} from './pjsip-objects';

/** The registrar as one consistent read: sorted objects and each AOR's contacts. */
export interface RegistrarView {
  endpoints: SandboxEndpoint[];
  endpointState(name: string): Endpoint;
  aors: Aor[];
  aor(name: string): Aor | undefined;
  contacts: Contact[];
  contactsOf(aor: string): Contact[];
  /** The release the sandbox passes for: which fields the objects print. */
  asterisk: SandboxAsterisk;
}

const byName = <T extends { name: string }>(a: T, b: T): number => compare(a.name, b.name);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function registrarView(pbx: PbxView): RegistrarView {
  const contacts = pbx.contacts().sort((a, b) => compare(a.id, b.id));
  const aors = pbx.aors().sort(byName);
  const aorsByName = new Map(aors.map((a) => [a.name, a]));
  const states = new Map(pbx.endpoints().map((e) => [e.name, e]));
  // Grouped once: PJSIPShowAors over thousands of AORs must not rescan every contact per AOR.
  const byAor = new Map<string, Contact[]>();
  for (const c of contacts) {
    const list = byAor.get(c.aor);
    if (list) list.push(c);
    else byAor.set(c.aor, [c]);
  }
  return {
    endpoints: [...pbx.config.endpoints].sort(byName),
    endpointState: (name) => states.get(name) ?? { name, aors: [], deviceState: 'Unavailable' },
    aors,
    aor: (name) => aorsByName.get(name),
    contacts,
    contactsOf: (aor) => byAor.get(aor) ?? [],
    asterisk: pbx.asterisk,
  };
}

/** One list action's answer: ack, items, completion with their count. Each item is encoded as
 *  soon as its fields are made, so over 20,000 contacts no field arrays pile up for the collector.
 *  The fields are 22.10.1's; `asterisk` drops or blanks those its release prints otherwise. */
function eventList<T>(
  req: ActionRequest,
  ack: string,
  objects: readonly T[],
  item: (o: T) => [event: string, fields: AmiField[]],
  complete: string,
  asterisk: SandboxAsterisk,
): string {
  const parts = [listStart(req.actionId, ack)];
  for (const o of objects) {
    const [event, fields] = item(o);
    parts.push(listItem(event, req.actionId, fieldsOfVersion(fields, asterisk)));
  }
  parts.push(listComplete(complete, req.actionId, objects.length));
  return parts.join('');
}

const showContacts: ActionSpec = {
  category: CLASS.system,
  run(req, { pbx }) {
    const { contacts } = registrarView(pbx);
    if (contacts.length === 0) return error(req.actionId, 'No Contacts found', { bareLf: true });
    return eventList(
      req,
      'A listing of Contacts follows, presented as ContactList events',
      contacts,
      (c) => ['ContactList', contactFields(c)],
      'ContactListComplete',
      pbx.asterisk,
    );
  },
};

const showAors: ActionSpec = {
  category: CLASS.system,
  run(req, { pbx }) {
    const view = registrarView(pbx);
    if (view.aors.length === 0) return error(req.actionId, 'No AORs found', { bareLf: true });
    return eventList(
      req,
      'A listing of AORs follows, presented as AorList events',
      view.aors,
      (a) => ['AorList', aorFields(a, view.contactsOf(a.name))],
      'AorListComplete',
      view.asterisk,
    );
  },
};

function endpointContacts(view: RegistrarView, e: SandboxEndpoint): Contact[] {
  return e.aors.flatMap((aor) => view.contactsOf(aor));
}

const showEndpoints: ActionSpec = {
  category: CLASS.system,
  run(req, { pbx }) {
    const view = registrarView(pbx);
    if (view.endpoints.length === 0) return error(req.actionId, 'No endpoints found', { bareLf: true });
    return eventList(
      req,
      'A listing of Endpoints follows, presented as EndpointList events',
      view.endpoints,
      (e) => ['EndpointList', endpointListFields(e, view.endpointState(e.name), endpointContacts(view, e))],
      'EndpointListComplete',
      view.asterisk,
    );
  },
};

function contactStatusFields(c: Contact): AmiField[] {
  return [
    ['AOR', c.aor],
    ['URI', c.uri],
    ['UserAgent', c.userAgent],
    ['RegExpire', String(c.expirationTime)],
    ['ViaAddress', `${c.viaAddr}:${c.viaPort}`],
    ['CallID', c.callId],
    ['Status', c.status],
    ['RoundtripUsec', c.roundtripUsec === null ? 'N/A' : String(c.roundtripUsec)],
    ['EndpointName', c.endpoint],
    ['ID', c.id],
    ['AuthenticateQualify', '0'],
    ['OutboundProxy', c.outboundProxy],
    ['Path', c.path],
    ['QualifyFrequency', String(c.qualifyFrequency)],
    ['QualifyTimeout', c.qualifyTimeout.toFixed(3)],
    ['Qualify2xxOnly', '0'],
  ];
}

const showEndpoint: ActionSpec = {
  category: CLASS.system,
  run(req, { pbx }) {
    const name = req.header('Endpoint');
    if (name === '') return error(req.actionId, 'PJSIPShowEndpoint requires an endpoint name', { bareLf: true });
    const view = registrarView(pbx);
    const e = view.endpoints.find((x) => x.name === name);
    if (!e) return error(req.actionId, `Unable to retrieve endpoint ${name}`, { bareLf: true });
    const items: Array<[string, AmiField[]]> = [['EndpointDetail', endpointDetailFields(e, view.endpointState(name))]];
    const auth = pbx.config.auths.find((a) => a.name === e.auth);
    if (auth) items.push(['AuthDetail', authDetailFields(auth, name)]);
    const transport = pbx.config.transports.find((t) => t.name === e.transport);
    if (transport) items.push(['TransportDetail', transportDetailFields(transport, name)]);
    const aors = e.aors.map((a) => view.aor(a)).filter((a): a is Aor => a !== undefined);
    for (const aor of aors) items.push(['AorDetail', aorDetailFields(aor, view.contactsOf(aor.name), name)]);
    for (const aor of aors) {
      for (const c of view.contactsOf(aor.name)) items.push(['ContactStatusDetail', contactStatusFields(c)]);
    }
    return eventList(req, 'Following are Events for each object associated with the Endpoint', items, (i) => i, 'EndpointDetailComplete', view.asterisk);
  },
};

const showRegistrationsInbound: ActionSpec = {
  category: CLASS.system,
  run(req, { pbx }) {
    const view = registrarView(pbx);
    return eventList(
      req,
      'Following are Events for each Inbound registration',
      view.aors,
      (a) => ['InboundRegistrationDetail', inboundRegistrationFields(a, view.contactsOf(a.name))],
      'InboundRegistrationDetailComplete',
      view.asterisk,
    );
  },
};

const showRegistrationContactStatuses: ActionSpec = {
  category: CLASS.system,
  run(req, { pbx }) {
    const view = registrarView(pbx);
    return eventList(
      req,
      'Following are ContactStatusEvents for each Inbound registration',
      view.contacts,
      (c) => ['ContactStatusDetail', contactStatusFields(c)],
      'ContactStatusDetailComplete',
      view.asterisk,
    );
  },
};

const qualify: ActionSpec = {
  category: CLASS.system | CLASS.reporting,
  run(req, { pbx }) {
    const name = req.header('Endpoint');
    if (name === '') return error(req.actionId, 'Endpoint parameter missing.');
    const e = pbx.config.endpoints.find((x) => x.name === name);
    if (!e) return error(req.actionId, 'Unable to retrieve endpoint', { bareLf: true });
    if (e.aors.length === 0) return error(req.actionId, 'No AoRs configured for endpoint', { bareLf: true });
    pbx.qualifyEndpoint(name);
    return success(req.actionId, 'Endpoint found, will qualify');
  },
};

export const PJSIP_ACTIONS: Readonly<Record<string, ActionSpec>> = {
  PJSIPShowContacts: showContacts,
  PJSIPShowAors: showAors,
  PJSIPShowEndpoints: showEndpoints,
  PJSIPShowEndpoint: showEndpoint,
  PJSIPShowRegistrationsInbound: showRegistrationsInbound,
  PJSIPShowRegistrationInboundContactStatuses: showRegistrationContactStatuses,
  PJSIPQualify: qualify,
};
