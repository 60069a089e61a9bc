// The morning after a power cut (issue 13), at any size: a Sandbox PBX with `size` endpoints
// (max_contacts 2, remove_existing no, as FreePBX writes for Max Contacts 2), each with a desk
// phone and a softphone registered by sipp over real UDP SIP; then every desk phone "reboots":
// it registers again from a new port without unregistering and is refused (403). Desk phones
// send from 127.0.1.1 and softphones from 127.0.2.1, as on a LAN where they are two devices.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSandboxConfig } from '../../bench/lib/sandbox-config';
import { endpointName } from '../../bench/lib/pjsip-lists';
import { SANDBOX_AMI_USER, startSandboxHost, type SandboxHost } from '../../src-main/services/sandbox-host';
import { registerPhone, type PhoneResult } from './sip-phone';

export const DESK_ADDRESS = '127.0.1.1';
export const SOFT_ADDRESS = '127.0.2.1';
export const DESK_UA = 'Grandstream GXP2170 1.0.11.3';
export const SOFT_UA = 'Zoiper rv2.10.20.2';
/** sipp processes at once: enough to keep two cores busy, few enough not to lose UDP. */
const PARALLEL = 8;

export interface WavePhone {
  endpoint: string;
  desk: PhoneResult;
  soft: PhoneResult;
  /** The rebooted desk phone, refused: its port, Contact and Call-ID for the retry. */
  rebooted: PhoneResult;
}

export interface RebootWave {
  sandbox: SandboxHost;
  phones: WavePhone[];
  /** The rebooted desk phone tries again (same port, Contact, Call-ID); resolves with sipp's answer. */
  retry(p: WavePhone): Promise<PhoneResult>;
  /** The desk phone's old binding turns out alive: it refreshes its registration (another Expires). */
  refreshOld(p: WavePhone, expires?: number): Promise<PhoneResult>;
  close(): Promise<void>;
}

export async function parallel<T, R>(items: readonly T[], run: (item: T) => Promise<R>, limit = PARALLEL): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await run(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Start the sandbox, register desk + softphone on every endpoint, then reboot every desk phone. */
export async function rebootWave(size: number): Promise<RebootWave> {
  const configDir = writeSandboxConfig(size, { maxContacts: 2, removeExisting: false });
  // The least-privilege user RegDesk logs in to a sandbox with.
  writeFileSync(join(configDir, 'manager.conf'), `[general]\nenabled = yes\n\n[${SANDBOX_AMI_USER}]\nsecret = wave-secret\nread = system,security\nwrite = system,reporting\n`);
  const sandbox = await startSandboxHost({ configDir });
  const server = sandbox.pbx.sipAddress;
  const phone = async (endpoint: string, localAddress: string, userAgent: string, extra: Partial<Parameters<typeof registerPhone>[0]> = {}) => {
    const once = () => registerPhone({ server, user: endpoint, password: `pw-${endpoint}`, expires: 3600, localAddress, userAgent, ...extra });
    // Hundreds of sipp runs on a busy 2-core machine: now and then one misses the answer to its
    // authenticated REGISTER and ends on the challenge. REGISTER is idempotent: send it again.
    const first = await once();
    return first.status === 401 ? once() : first;
  };
  const expect = (r: PhoneResult, status: number, what: string) => {
    if (r.status !== status) throw new Error(`${what}: sipp got ${r.status}, expected ${status}`);
    return r;
  };
  try {
    const names = Array.from({ length: size }, (_, i) => endpointName(i + 1));
    const phones = await parallel(names, async (endpoint): Promise<WavePhone> => {
      const desk = expect(await phone(endpoint, DESK_ADDRESS, DESK_UA), 200, `${endpoint} desk phone`);
      const soft = expect(await phone(endpoint, SOFT_ADDRESS, SOFT_UA), 200, `${endpoint} softphone`);
      return { endpoint, desk, soft, rebooted: desk };
    });
    await parallel(phones, async (p) => {
      p.rebooted = expect(await phone(p.endpoint, DESK_ADDRESS, DESK_UA), 403, `${p.endpoint} rebooted desk phone`);
    });
    return {
      sandbox,
      phones,
      retry: (p) => phone(p.endpoint, DESK_ADDRESS, DESK_UA, { localPort: p.rebooted.localPort, contactUri: p.rebooted.contactUri, callId: p.rebooted.callId }),
      refreshOld: (p, expires = 3000) => phone(p.endpoint, DESK_ADDRESS, DESK_UA, { localPort: p.desk.localPort, contactUri: p.desk.contactUri, callId: p.desk.callId, expires }),
      close: () => sandbox.close(),
    };
  } catch (err) {
    await sandbox.close();
    throw err;
  }
}
