// Child for bench/incident-batch.ts: a Sandbox PBX after a reboot wave, and live traffic.
// `<endpoints>` endpoints each get a desk phone (from 127.0.1.1) and a softphone (127.0.2.1)
// over real UDP SIP, then every desk phone reboots: a new port, registered again without
// unregistering, refused (403). `<live>` more endpoints carry the live event stream. Reports:
// ready {port}; after `<retryAfterMs>` the rebooted phones retry once (403 again, so the parent
// sees every refusal) {retried}; then `<liveSeconds>` of live traffic, one REGISTER or
// unregister per live endpoint in turn at `<liveRate>`/s, each reported with when it was sent.
import { loadSandboxConfig } from '../../src-main/sandbox/config/load';
import { startAmiServer } from '../../src-main/sandbox/ami/server';
import { SandboxPbx } from '../../src-main/sandbox/pbx';
import { SipPhone } from '../../src-main/sandbox/sip/phone';
import { report } from '../lib/child';
import { endpointName } from '../lib/pjsip-lists';
import { writeSandboxConfig } from '../lib/sandbox-config';

const [endpoints, live, retryAfterMs, liveRate, liveSeconds] = process.argv.slice(2).map(Number) as [number, number, number, number, number];
const wallNow = () => performance.timeOrigin + performance.now();
const pbx = await SandboxPbx.start({ config: loadSandboxConfig(writeSandboxConfig(endpoints + live, { maxContacts: 2, removeExisting: false })) });
const ami = await startAmiServer({ pbx });
const open = (user: string, bind: string) => SipPhone.open({ server: pbx.sipAddress, user, password: `pw-${user}`, bind, userAgent: bind === '127.0.2.1' ? 'Zoiper rv2.10.20.2' : 'Grandstream GXP2170 1.0.11.3', answerOptions: false });

async function inChunks<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

const names = Array.from({ length: endpoints }, (_, i) => endpointName(i + 1));
const rebooted: SipPhone[] = [];
const phones: SipPhone[] = [];
await inChunks(names, 50, async (name) => {
  const desk = await open(name, '127.0.1.1');
  const soft = await open(name, '127.0.2.1');
  const again = await open(name, '127.0.1.1');
  phones.push(desk, soft, again);
  if ((await desk.register(3600)).status !== 200 || (await soft.register(3600)).status !== 200) throw new Error(`${name}: not registered`);
  if ((await again.register(3600)).status !== 403) throw new Error(`${name}: the rebooted desk phone was not refused`);
  rebooted.push(again);
});
report({ port: ami.port });

await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
let refused = 0;
await inChunks(rebooted, 50, async (p) => void ((await p.register(3600)).status === 403 && refused++));
report({ retried: refused });

const livePhones = await Promise.all(Array.from({ length: live }, (_, i) => open(endpointName(endpoints + i + 1), '127.0.3.1')));
const registered = new Set<SipPhone>();
const sent: Array<{ endpoint: string; at: number }> = [];
const started = performance.now();
await new Promise<void>((done) => {
  const timer = setInterval(() => {
    const due = Math.min(Math.floor(((performance.now() - started) * liveRate) / 1000), liveRate * liveSeconds);
    while (sent.length < due) {
      const i = sent.length % live;
      const phone = livePhones[i]!;
      const expires = registered.has(phone) ? 0 : 3600;
      if (expires) registered.add(phone);
      else registered.delete(phone);
      sent.push({ endpoint: endpointName(endpoints + i + 1), at: wallNow() });
      void phone.register(expires).catch(() => undefined);
    }
    if (sent.length >= liveRate * liveSeconds) {
      clearInterval(timer);
      done();
    }
  }, 5);
});
report({ sent });

process.on('SIGTERM', () => {
  void Promise.all([...phones, ...livePhones].map((p) => p.close()))
    .then(() => ami.close())
    .then(() => pbx.close())
    .then(() => process.exit(0));
});
