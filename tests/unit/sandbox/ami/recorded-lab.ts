// The lab of FACTS.md as the sandbox reads it (the configuration the transcripts were recorded
// with), and a PbxView holding exactly the state a transcript recorded: its contacts as
// PJSIPShowContacts listed them and its AstDB as DBGetTree listed it. Replaying recorded real
// state lets the AMI answers be compared byte for byte with Asterisk's.
import { sandboxAsterisk } from '../../../../src-main/sandbox/asterisk-versions';
import { parseSandboxConfig } from '../../../../src-main/sandbox/config/load';
import type { SandboxConfig } from '../../../../src-main/sandbox/config/types';
import type { AmiEventOut, AstDbView, PbxView } from '../../../../src-main/sandbox/ami/pbx-view';
import type { Contact, ContactStatus, Endpoint } from '../../../../src-main/core/types';
import { readTranscript, sessionBytes } from '../../../support/transcript';

export const LAB_PJSIP = `
[transport-udp]
type = transport
protocol = udp
bind = 127.0.0.1:5060

[lab-endpoint](!)
type = endpoint
context = lab
disallow = all
allow = ulaw
transport = transport-udp

[phone1](lab-endpoint)
aors = phone1
auth = phone1
[phone1]
type = auth
auth_type = userpass
username = phone1
password = pw-phone1
[phone1]
type = aor
max_contacts = 2
remove_existing = no

[phone2](lab-endpoint)
aors = phone2
auth = phone2
[phone2]
type = auth
auth_type = userpass
username = phone2
password = pw-phone2
[phone2]
type = aor
max_contacts = 1
remove_existing = yes

[phone3](lab-endpoint)
aors = phone3
auth = phone3
[phone3]
type = auth
auth_type = userpass
username = phone3
password = pw-phone3
[phone3]
type = aor
max_contacts = 4
remove_existing = no
qualify_frequency = 10
`;

export const LAB_WIZARD = `
[wiz1]
type = wizard
transport = transport-udp
accepts_registrations = yes
accepts_auth = yes
endpoint/context = lab
endpoint/disallow = all
endpoint/allow = ulaw
inbound_auth/username = wiz1
inbound_auth/password = pw-wiz1
aor/max_contacts = 2
aor/remove_existing = yes
`;

export const LAB_MANAGER = `
[general]
enabled = yes

[lab]
secret = labsecret
read = all
write = all

[labnosec]
secret = labsecret
read = system,call,log,verbose,command,agent,user,config,dtmf,reporting,cdr,dialplan,originate,agi,cc,aoc,test,message
write = all

[labsec]
secret = labsecret
read = security
write = system,command

[local-only]
secret = labsecret
read = all
write = all
deny = 0.0.0.0/0.0.0.0
permit = 10.1.2.3/255.255.255.255
`;

export function labConfig(): SandboxConfig {
  return parseSandboxConfig({ pjsip: LAB_PJSIP, wizard: LAB_WIZARD, manager: LAB_MANAGER });
}

/** The AMI messages a session received, split at the blank line that ends each. */
export function receivedMessages(transcript: string, session: string): string[] {
  const text = sessionBytes(readTranscript(transcript), session, 'recv').toString('utf8');
  return text
    .split('\r\n\r\n')
    .filter((m) => m !== '')
    .map((m) => `${m}\r\n\r\n`);
}

export function fieldsOf(message: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of message.split('\r\n')) {
    const colon = line.indexOf(': ');
    if (colon > 0 && !fields.has(line.slice(0, colon))) fields.set(line.slice(0, colon), line.slice(colon + 2));
  }
  return fields;
}

function recordedContacts(transcript: string, session: string, actionId: string): Contact[] {
  return receivedMessages(transcript, session)
    .filter((m) => m.startsWith('Event: ContactList\r\n') && m.includes(`ActionID: ${actionId}\r\n`))
    .map((m) => {
      const f = fieldsOf(m);
      const get = (name: string): string => f.get(name) ?? '';
      const id = get('ObjectName');
      const rtt = get('RoundtripUsec');
      return {
        id,
        aor: id.slice(0, id.lastIndexOf(';@')),
        endpoint: get('Endpoint'),
        uri: get('Uri'),
        userAgent: get('UserAgent'),
        viaAddr: get('ViaAddr'),
        viaPort: Number(get('ViaPort')),
        callId: get('CallId'),
        expirationTime: Number(get('ExpirationTime')),
        status: get('Status') as ContactStatus,
        roundtripUsec: rtt === 'N/A' ? null : Number(rtt),
        qualifyFrequency: Number(get('QualifyFrequency')),
        qualifyTimeout: Number(get('QualifyTimeout')),
        regServer: get('RegServer'),
        path: get('Path'),
        outboundProxy: get('OutboundProxy'),
      };
    });
}

/** A plain in-memory AstDB with main/db.c's key space. */
export class MemoryAstDb implements AstDbView {
  readonly entries = new Map<string, string>();
  get(family: string, key: string): string | undefined {
    return this.entries.get(`/${family}/${key}`);
  }
  put(family: string, key: string, value: string): void {
    this.entries.set(`/${family}/${key}`, value);
  }
  del(family: string, key: string): boolean {
    return this.entries.delete(`/${family}/${key}`);
  }
  delTree(family: string, key?: string): number {
    const prefix = key === undefined ? `/${family}` : `/${family}/${key}`;
    const gone = [...this.entries.keys()].filter((k) => k === prefix || k.startsWith(`${prefix}/`));
    for (const k of gone) this.entries.delete(k);
    return gone.length;
  }
  tree(): Array<{ key: string; value: string }> {
    return [...this.entries].map(([key, value]) => ({ key, value }));
  }
}

export interface RecordedPbx extends PbxView {
  readonly astdb: MemoryAstDb;
  emit(e: AmiEventOut): void;
  readonly qualified: string[];
}

/**
 * The lab PBX in the state `transcript` recorded when `actionId` (a PJSIPShowContacts of
 * `session`) was answered; contacts live in the AstDB, so a DBDel removes them from every list.
 */
export function recordedPbx(transcript: string, session: string, actionId: string, startedAt = Date.now()): RecordedPbx {
  const config = labConfig();
  const astdb = new MemoryAstDb();
  const statuses = new Map<string, Contact>();
  for (const c of recordedContacts(transcript, session, actionId)) {
    statuses.set(c.id, c);
    const stored = receivedMessages(transcript, session).find((m) => m.startsWith('Event: DBGetTreeResponse\r\n') && m.includes(`/registrar/contact/${c.id}\r\n`));
    astdb.put('registrar/contact', c.id, stored ? (fieldsOf(stored).get('Val') ?? '') : '{}');
  }
  const listeners = new Set<(e: AmiEventOut) => void>();
  const qualified: string[] = [];
  const contacts = (): Contact[] =>
    [...statuses.values()].filter((c) => astdb.get('registrar/contact', c.id) !== undefined);
  return {
    config,
    asterisk: sandboxAsterisk('22'),
    astdb,
    qualified,
    startedAt,
    lastReloadAt: startedAt,
    onAmiEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(e) {
      for (const l of listeners) l(e);
    },
    contacts,
    aors: () => config.aors.map((a) => ({ ...a })),
    endpoints: (): Endpoint[] =>
      config.endpoints.map((e) => ({
        name: e.name,
        aors: e.aors,
        deviceState: contacts().some((c) => c.endpoint === e.name) ? 'Not in use' : 'Unavailable',
      })),
    qualifyEndpoint(name) {
      qualified.push(name);
      return config.endpoints.some((e) => e.name === name);
    },
  };
}
