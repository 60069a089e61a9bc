// Shared by the Sandbox SIP integration tests: a started SandboxPbx on a free port with an
// event log, and the events Asterisk sent in the recorded transcripts, for comparison.
import { afterEach } from 'vitest';
import { parseSandboxConfig } from '../../../../src-main/sandbox/config/load';
import type { SandboxConfig } from '../../../../src-main/sandbox/config/types';
import { SandboxPbx, type AmiEventOut, type SandboxPbxOptions } from '../../../../src-main/sandbox/pbx';
import { readTranscript } from '../../../support/transcript';

/** The lab bench of FACTS.md, plus `fast` (qualify every second, 300 ms timeout) for qualify tests. */
export const LAB_CONFIG: SandboxConfig = parseSandboxConfig({
  pjsip: `
[transport-udp]
type = transport
protocol = udp
bind = 127.0.0.1:5060

[ep](!)
type = endpoint
context = from-internal

[phone1](ep)
aors = phone1
auth = phone1
[phone1]
type = auth
username = phone1
password = pw-phone1
[phone1]
type = aor
max_contacts = 2

[phone2](ep)
aors = phone2
auth = phone2
[phone2]
type = auth
username = phone2
password = pw-phone2
[phone2]
type = aor
max_contacts = 1
remove_existing = yes

[fast](ep)
aors = fast
auth = fast
[fast]
type = auth
username = fast
password = pw-fast
[fast]
type = aor
max_contacts = 4
qualify_frequency = 1
qualify_timeout = 0.3

[noreg](ep)
aors = noreg
[noreg]
type = aor
`,
});

export interface Harness {
  pbx: SandboxPbx;
  events: AmiEventOut[];
  /** Event names (with the status for ContactStatus / PeerStatus) since the last call. */
  take(): string[];
}

const started: SandboxPbx[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()));
});

export async function startLab(opts: Partial<SandboxPbxOptions> = {}): Promise<Harness> {
  const pbx = await SandboxPbx.start({ config: LAB_CONFIG, ...opts });
  started.push(pbx);
  const events: AmiEventOut[] = [];
  let seen = 0;
  pbx.onAmiEvent((e) => events.push(e));
  return {
    pbx,
    events,
    take() {
      const names = events.slice(seen).map(describeEvent);
      seen = events.length;
      return names;
    },
  };
}

export function describeEvent(e: AmiEventOut): string {
  const field = (k: string) => e.fields.find(([name]) => name === k)?.[1];
  if (e.event === 'ContactStatus') return `ContactStatus ${field('ContactStatus')}`;
  if (e.event === 'PeerStatus') return `PeerStatus ${field('PeerStatus')}`;
  return e.event;
}

export function fieldOf(e: AmiEventOut | undefined, name: string): string | undefined {
  return e?.fields.find(([k]) => k === name)?.[1];
}

/** The first `event` Asterisk sent in a recorded transcript (any session; security events of
 *  the SIP side only, not those of AMI logins), as name/value pairs after Event and Privilege:
 *  the shape AmiEventOut carries. */
export function recordedEvent(file: string, event: string): { privilege: string; fields: Array<[string, string]> } {
  const recv = readTranscript(file).chunks.filter((c) => c.direction === 'recv');
  for (const chunk of recv) {
    for (const block of chunk.bytes.toString('utf8').split('\r\n\r\n')) {
      const lines = block.split('\r\n');
      if (lines[0] !== `Event: ${event}`) continue;
      const pairs = lines.slice(1).map((l): [string, string] => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]);
      if (pairs.some(([k, v]) => k === 'Service' && v !== 'PJSIP')) continue;
      return { privilege: pairs[0]![1], fields: pairs.slice(1) };
    }
  }
  throw new Error(`${file}: no ${event} from the SIP side`);
}

/** `security,all` -> ['security'], as AmiEventOut.privilege carries it. */
export function privilegeClasses(recorded: string): string[] {
  return recorded.split(',').filter((c) => c !== 'all');
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
