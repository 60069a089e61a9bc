// Getvar with no Channel (manager.c action_getvar; `call` or `reporting` write): a name ending
// in ')' is a dialplan function read on a dummy channel, anything else a variable, and with no
// channel and no globals the sandbox has no variable to give. The PJSIP functions RegDesk reads
// are computed from the registrar (channels/pjsip/dialplan_functions.c, res_pjsip/location.c);
// any other function is unregistered here and reads as empty, as Asterisk answers it.
import { dialContacts } from '../../../core/dial-string';
import { RegistrarState } from '../../../core/registrar-state';
import { CLASS } from '../permissions';
import { error, response } from '../wire';
import type { ActionContext, ActionSpec } from './action';
import { aorFields, camelCase } from './pjsip-objects';
import { registrarView } from './pjsip';

/** action_getvar reads into a 1024-byte workspace: at most 1023 bytes come back. */
const WORKSPACE_BYTES = 1023;

type DialplanFunction = (args: string[], context: ActionContext) => string;

function pjsipDialContacts(args: string[], { pbx }: ActionContext): string {
  const [endpoint = '', aors, requestUser] = args;
  const view = registrarView(pbx);
  const state = RegistrarState.fromSnapshot({ endpoints: pbx.endpoints(), aors: view.aors, contacts: view.contacts });
  return dialContacts(state, endpoint.trim(), aors || undefined, requestUser || undefined);
}

/** PJSIP_AOR(aor,option): `contact` lists the contact ids; other options as the AOR prints them. */
function pjsipAor(args: string[], { pbx }: ActionContext): string {
  const [name = '', option = ''] = args;
  const view = registrarView(pbx);
  const aor = view.aor(name.trim());
  if (!aor) return '';
  const contacts = view.contactsOf(aor.name);
  if (option.trim() === 'contact') return contacts.map((c) => c.id).join(',');
  const field = camelCase(option.trim());
  return aorFields(aor, contacts).find(([f]) => f === field)?.[1] ?? '';
}

/** PJSIP_CONTACT(id,field): a field of the stored contact, named as the AstDB JSON names it. */
function pjsipContact(args: string[], { pbx }: ActionContext): string {
  const [id = '', field = ''] = args;
  const stored = pbx.astdb.get('registrar/contact', id.trim());
  if (stored === undefined) return '';
  const value: unknown = (JSON.parse(stored) as Record<string, unknown>)[field.trim()];
  return typeof value === 'string' ? value : '';
}

const FUNCTIONS: Readonly<Record<string, DialplanFunction>> = {
  PJSIP_DIAL_CONTACTS: pjsipDialContacts,
  PJSIP_AOR: pjsipAor,
  PJSIP_CONTACT: pjsipContact,
};

function readFunction(call: string, context: ActionContext): string {
  const open = call.indexOf('(');
  if (open === -1) return '';
  const fn = FUNCTIONS[call.slice(0, open)];
  return fn ? fn(call.slice(open + 1, -1).split(','), context) : '';
}

function cut(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  return bytes.length <= WORKSPACE_BYTES ? value : bytes.subarray(0, WORKSPACE_BYTES).toString('utf8');
}

const getvar: ActionSpec = {
  category: CLASS.call | CLASS.reporting,
  run(req, context) {
    const variable = req.header('Variable');
    if (variable === '') return error(req.actionId, 'No variable specified');
    if (req.header('Channel') !== '') return error(req.actionId, 'No such channel');
    const value = variable.endsWith(')') ? cut(readFunction(variable, context)) : '';
    return response('Success', req.actionId, [
      ['Variable', variable],
      ['Value', value],
    ]);
  },
};

export const GETVAR_ACTIONS: Readonly<Record<string, ActionSpec>> = { Getvar: getvar };
