// A Sandbox PBX configuration directory for benchmarks: `endpoints` endpoints named as the
// generated AMI lists name them, digest auth as in the lab (username = endpoint, password
// pw-<endpoint>), one AOR each, and the AMI user the benchmarks log in with.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointName } from './pjsip-lists';

export const BENCH_AMI_USER = { name: 'bench', secret: 'bench-secret' };

export interface AorOptions {
  maxContacts: number;
  removeExisting: boolean;
}

export function writeSandboxConfig(endpoints: number, aor: AorOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'regdesk-bench-sandbox-'));
  const sections = ['[transport-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:5060\n'];
  for (let i = 1; i <= endpoints; i++) {
    const name = endpointName(i);
    sections.push(
      `[${name}]\ntype = endpoint\naors = ${name}\nauth = ${name}\n`,
      `[${name}]\ntype = auth\nauth_type = userpass\nusername = ${name}\npassword = pw-${name}\n`,
      `[${name}]\ntype = aor\nmax_contacts = ${aor.maxContacts}\nremove_existing = ${aor.removeExisting ? 'yes' : 'no'}\n`,
    );
  }
  writeFileSync(join(dir, 'pjsip.conf'), sections.join('\n'));
  writeFileSync(
    join(dir, 'manager.conf'),
    `[general]\nenabled = yes\n\n[${BENCH_AMI_USER.name}]\nsecret = ${BENCH_AMI_USER.secret}\nread = system,security\nwrite = system,reporting\n`,
  );
  return dir;
}
