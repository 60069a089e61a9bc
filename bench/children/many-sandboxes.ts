// Child: `<pbxs>` Sandbox PBXs (SIP registrar + AMI server each) of `<endpoints>` endpoints,
// and, once ready, `<rate>` authenticated REGISTERs per second in total from scripted SIP
// phones over UDP, two phones per PBX taking turns: register, then unregister, so every
// REGISTER gives a ContactStatus (NonQualified, then Removed) plus its security events.
import { loadSandboxConfig } from '../../src-main/sandbox/config/load';
import { startAmiServer, type AmiServer } from '../../src-main/sandbox/ami/server';
import { SandboxPbx } from '../../src-main/sandbox/pbx';
import { SipPhone } from '../../src-main/sandbox/sip/phone';
import { report } from '../lib/child';
import { endpointName } from '../lib/pjsip-lists';
import { writeSandboxConfig } from '../lib/sandbox-config';

const PHONES_PER_PBX = 2;
const [pbxCount, endpoints, rate] = process.argv.slice(2).map(Number) as [number, number, number];
const config = loadSandboxConfig(writeSandboxConfig(endpoints, { maxContacts: 2, removeExisting: true }));
const pbxs: SandboxPbx[] = [];
const amis: AmiServer[] = [];
const phones: SipPhone[] = [];
for (let i = 0; i < pbxCount; i++) {
  const pbx = await SandboxPbx.start({ config });
  pbxs.push(pbx);
  amis.push(await startAmiServer({ pbx }));
  for (let p = 1; p <= PHONES_PER_PBX; p++) {
    phones.push(await SipPhone.open({ server: pbx.sipAddress, user: endpointName(p), password: `pw-${endpointName(p)}` }));
  }
}
report({ ports: amis.map((a) => a.port) });

let sent = 0;
let failed = 0;
const registered = new Set<SipPhone>();
const started = performance.now();
const timer = setInterval(() => {
  const due = Math.floor(((performance.now() - started) * rate) / 1000);
  while (sent < due) {
    const phone = phones[sent++ % phones.length]!;
    const expires = registered.has(phone) ? 0 : 3600;
    if (expires) registered.add(phone);
    else registered.delete(phone);
    phone.register(expires).then((res) => res.status === 200 || failed++, () => failed++);
  }
}, 5);

process.on('SIGTERM', () => {
  clearInterval(timer);
  if (failed > 0) console.error(`many-sandboxes: ${failed} of ${sent} REGISTERs not answered 200`);
  void Promise.all([...phones.map((p) => p.close()), ...amis.map((a) => a.close()), ...pbxs.map((p) => p.close())]).then(() => process.exit(0));
});
