// pjsip.conf objects (type = endpoint / aor / auth / transport) and pjsip_wizard.conf wizards,
// with Asterisk 22's defaults. Other types (global, identify, acl, ...) and unknown options are
// kept out of the way: the sandbox only needs what registration uses.
import type { Aor } from '../../core/types';
import { isTrue, lastValue as last, lastVar, type ConfSection, type ConfVar } from './conf-file';
import type { ConfigWarning, SandboxAuth, SandboxEndpoint, SandboxTransport } from './types';

export interface PjsipObjects {
  endpoints: SandboxEndpoint[];
  aors: Aor[];
  auths: SandboxAuth[];
  transports: SandboxTransport[];
}

/** AOR option defaults: res/res_pjsip/location.c (ast_sorcery_object_field_register for "aor").
 *  max_contacts 0 means the AOR accepts no registrations at all (res_pjsip_registrar.c answers 403). */
const AOR_DEFAULTS = {
  max_contacts: '0',
  remove_existing: 'no',
  remove_unavailable: 'no',
  qualify_frequency: '0',
  qualify_timeout: '3.0',
  minimum_expiration: '60',
  default_expiration: '3600',
  maximum_expiration: '7200',
} as const;

type Vars = ConfVar[];

export function buildPjsipObjects(pjsip: ConfSection[], wizard: ConfSection[], warnings: ConfigWarning[]): PjsipObjects {
  const out: PjsipObjects = { endpoints: [], aors: [], auths: [], transports: [] };
  for (const section of pjsip) {
    if (section.isTemplate) continue;
    const type = last(section.vars, 'type');
    if (type === undefined) {
      warnings.push({ file: section.file, line: section.line, message: `section [${section.name}] has no type` });
      continue;
    }
    addObject(out, type, section.name, section.vars, section, warnings);
  }
  for (const section of wizard) {
    if (section.isTemplate) continue;
    const type = last(section.vars, 'type');
    if (type !== 'wizard') {
      warnings.push({ file: section.file, line: section.line, message: `section [${section.name}] in the wizard file is not type = wizard` });
      continue;
    }
    expandWizard(out, section, warnings);
  }
  return out;
}

function addObject(out: PjsipObjects, type: string, name: string, vars: Vars, at: ConfSection, warnings: ConfigWarning[]): void {
  switch (type) {
    case 'endpoint':
      out.endpoints.push(endpointFrom(name, vars));
      return;
    case 'aor': {
      const aor = aorFrom(name, vars, warnings);
      if (aor) out.aors.push(aor);
      return;
    }
    case 'auth':
      out.auths.push({ name, username: last(vars, 'username') ?? '', password: last(vars, 'password') ?? '', realm: last(vars, 'realm') ?? null });
      return;
    case 'transport':
      out.transports.push({ name, protocol: last(vars, 'protocol') ?? 'udp', bind: last(vars, 'bind') ?? '' });
      return;
    default:
      // global, system, identify, acl, domain_alias, registration, ...: not part of registration.
      if (!/^[a-z_]+$/.test(type)) warnings.push({ file: at.file, line: at.line, message: `section [${name}] has unknown type '${type}'` });
  }
}

/** res_pjsip_config_wizard.c: a wizard creates endpoint `<name>` (aors = `<name>`, auth
 *  `<name>-iauth` when accepts_auth), aor `<name>` from the `aor/` options and, when
 *  accepts_auth = yes, auth `<name>-iauth` from the `inbound_auth/` options. */
function expandWizard(out: PjsipObjects, wiz: ConfSection, warnings: ConfigWarning[]): void {
  const name = wiz.name;
  const withPrefix = (prefix: string): Vars =>
    wiz.vars.filter((v) => v.key.startsWith(prefix) && v.key.length > prefix.length).map((v) => ({ ...v, key: v.key.slice(prefix.length) }));
  const at = (key: string, value: string): Vars[number] => ({ key, value, file: wiz.file, line: wiz.line });

  const endpointVars = withPrefix('endpoint/');
  endpointVars.push(at('aors', name));
  const transport = last(wiz.vars, 'transport');
  if (transport !== undefined) endpointVars.push(at('transport', transport));
  if (isTrue(last(wiz.vars, 'accepts_auth'))) {
    const authVars = withPrefix('inbound_auth/');
    if (last(authVars, 'username') === undefined) {
      warnings.push({ file: wiz.file, line: wiz.line, message: `wizard '${name}' must have 'inbound_auth/username' if it accepts_auth` });
      return;
    }
    out.auths.push({ name: `${name}-iauth`, username: last(authVars, 'username')!, password: last(authVars, 'password') ?? '', realm: last(authVars, 'realm') ?? null });
    endpointVars.push(at('auth', `${name}-iauth`));
  }
  const aor = aorFrom(name, withPrefix('aor/'), warnings);
  if (!aor) return;
  out.aors.push(aor);
  out.endpoints.push(endpointFrom(name, endpointVars));
}

function endpointFrom(name: string, vars: Vars): SandboxEndpoint {
  const options: Record<string, string> = {};
  for (const v of vars) if (!['type', 'aors', 'auth', 'transport', 'context'].includes(v.key)) options[v.key] = v.value;
  const aors = (last(vars, 'aors') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return { name, aors, auth: last(vars, 'auth') || null, transport: last(vars, 'transport') || null, context: last(vars, 'context') ?? 'default', options };
}

/** An AOR with Asterisk's defaults; null (with a warning) when an option does not parse,
 *  as Asterisk refuses to create an object whose option fails to apply. */
function aorFrom(name: string, vars: Vars, warnings: ConfigWarning[]): Aor | null {
  let failed = false;
  const read = (key: keyof typeof AOR_DEFAULTS, parse: (s: string) => number | boolean | null): number | boolean => {
    const given = lastVar(vars, key);
    const parsed = parse(given?.value ?? AOR_DEFAULTS[key]);
    if (parsed === null) {
      failed = true;
      warnings.push({ file: given!.file, line: given!.line, message: `aor '${name}': invalid ${key} '${given!.value}'` });
      return parse(AOR_DEFAULTS[key])!;
    }
    return parsed;
  };
  const aor: Aor = {
    name,
    maxContacts: read('max_contacts', parseUnsigned) as number,
    removeExisting: read('remove_existing', parseBool) as boolean,
    removeUnavailable: read('remove_unavailable', parseBool) as boolean,
    qualifyFrequency: read('qualify_frequency', parseUnsigned) as number,
    qualifyTimeout: read('qualify_timeout', parseSeconds) as number,
    minimumExpiration: read('minimum_expiration', parseUnsigned) as number,
    defaultExpiration: read('default_expiration', parseUnsigned) as number,
    maximumExpiration: read('maximum_expiration', parseUnsigned) as number,
  };
  return failed ? null : aor;
}

function parseUnsigned(s: string): number | null {
  return /^\d+$/.test(s.trim()) ? Number(s.trim()) : null;
}

function parseSeconds(s: string): number | null {
  return /^\d+(\.\d+)?$/.test(s.trim()) ? Number(s.trim()) : null;
}

/** Asterisk's boolean options accept ast_true / ast_false words only. */
function parseBool(s: string): boolean | null {
  if (isTrue(s)) return true;
  return /^(no|false|n|f|0|off)$/i.test(s.trim()) ? false : null;
}
