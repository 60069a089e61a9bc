// Scripted phones for `npm run sandbox -- --demo` and the app's first run: real UDP SIP clients
// in this process that register to the Sandbox like an office would, including a phone that
// "reboots without unregistering" (new port, new Call-ID) until its AOR refuses it with 403, so
// the stuck-contact warning shows within a minute.
import type { SandboxConfig } from './config/types';
import { SipPhone } from './sip/phone';
import type { UdpAddress } from './sip/udp';

interface DemoPhone {
  endpoint: string;
  userAgent: string;
  /** Answer qualify OPTIONS (a phone that is switched on). */
  answersOptions: boolean;
  /** Re-register (refresh) every this many seconds; the REGISTER asks for twice that. */
  refreshEvery: number;
  /** Reboot without unregistering every this many seconds: a new phone from a new port. */
  rebootEvery?: number;
}

const SCRIPT: DemoPhone[] = [
  { endpoint: '201', userAgent: 'Yealink SIP-T54W 96.86.0.70', answersOptions: true, refreshEvery: 300 },
  { endpoint: '201', userAgent: 'Zoiper rv2.10.20.2', answersOptions: true, refreshEvery: 300 },
  { endpoint: '202', userAgent: 'Grandstream GXP2170 1.0.11.3', answersOptions: true, refreshEvery: 300 },
  { endpoint: '202', userAgent: 'Linphone Desktop/5.2.6', answersOptions: false, refreshEvery: 300 },
  { endpoint: '203', userAgent: 'Polycom VVX 450 6.4.6', answersOptions: true, refreshEvery: 300 },
  // The Grandstream that rebooted without unregistering: refused (403 + FailedACL) at the third boot.
  { endpoint: 'phone1', userAgent: 'Grandstream GXP2170 1.0.11.3', answersOptions: true, refreshEvery: 300, rebootEvery: 15 },
  // The same habit on an AOR with remove_existing = yes: each boot replaces the old binding.
  { endpoint: 'phone2', userAgent: 'Grandstream GXP2170 1.0.11.3', answersOptions: true, refreshEvery: 300, rebootEvery: 45 },
];

export interface DemoPhones {
  stop(): Promise<void>;
}

export interface DemoOptions {
  log?: (line: string) => void;
  /** Multiplies every delay of the script (tests run it faster); 1 by default. */
  timeScale?: number;
}

export function startDemoPhones(server: UdpAddress, config: SandboxConfig, opts: DemoOptions = {}): DemoPhones {
  const log = opts.log ?? (() => {});
  const timeScale = opts.timeScale ?? 1;
  const timers = new Set<NodeJS.Timeout>();
  const phones = new Set<SipPhone>();
  let stopped = false;

  const later = (seconds: number, fn: () => Promise<void>) => {
    if (stopped) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn().catch((err: unknown) => log(`demo: ${err instanceof Error ? err.message : String(err)}`));
    }, seconds * 1000 * timeScale);
    timers.add(t);
  };

  const boot = async (script: DemoPhone, password: string): Promise<void> => {
    if (stopped) return;
    const bind = server.address.includes(':') ? '::1' : '127.0.0.1';
    const phone = await SipPhone.open({ server, bind, user: script.endpoint, password, userAgent: script.userAgent, answerOptions: script.answersOptions });
    phones.add(phone);
    let refused = false;
    const register = async (): Promise<void> => {
      if (stopped || !phones.has(phone)) return; // stopped, or this phone "rebooted" meanwhile
      const res = await phone.register(script.refreshEvery * 2);
      refused = res.status !== 200;
      log(`demo: ${script.endpoint} (${script.userAgent}) from port ${phone.localAddress.port}: ${res.status} ${res.reason}`);
      // A refused phone retries every 30 s, as real ones do; an accepted one refreshes.
      later(refused ? 30 : script.refreshEvery, register);
    };
    await register();
    if (script.rebootEvery) {
      // The old phone goes dark without unregistering: its binding stays until it expires.
      // Once refused it stops rebooting and keeps retrying, so the 403 shows every 30 s.
      later(script.rebootEvery, async () => {
        if (refused) return;
        phones.delete(phone);
        await phone.close();
        await boot(script, password);
      });
    }
  };

  for (const script of SCRIPT) {
    const endpoint = config.endpoints.find((e) => e.name === script.endpoint);
    const auth = endpoint?.auth ? config.auths.find((a) => a.name === endpoint.auth) : undefined;
    if (!endpoint || !auth) {
      log(`demo: no endpoint '${script.endpoint}' with an auth in this configuration, its demo phone stays off`);
      continue;
    }
    boot(script, auth.password).catch((err: unknown) => log(`demo: ${err instanceof Error ? err.message : String(err)}`));
  }

  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([...phones].map((p) => p.close()));
      phones.clear();
    },
  };
}
