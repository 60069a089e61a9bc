// RegDesk's own AMI bridge (src-main/ami/session.ts) pointed at the sandbox's AMI server, with
// sipp phones registering to the sandbox: the bridge must sync, follow live registrations, see
// the max_contacts refusal and read security events, as it does against Asterisk.
import { afterEach, describe, expect, it } from 'vitest';
import { PbxSession } from '../../../../src-main/ami/session';
import type { StateChange } from '../../../../src-main/core/registrar-state';
import { startAmiServer } from '../../../../src-main/sandbox/ami/server';
import type { AmiServer } from '../../../../src-main/sandbox/ami/server';
import { SandboxPbx } from '../../../../src-main/sandbox/pbx';
import { hasSipp, registerPhone } from '../../../support/sip-phone';
import { labConfig } from '../../../unit/sandbox/ami/recorded-lab';

let pbx: SandboxPbx | null = null;
let ami: AmiServer | null = null;
let session: PbxSession | null = null;

afterEach(async () => {
  await session?.close();
  await ami?.close();
  await pbx?.close();
  session = null;
  ami = null;
  pbx = null;
});

const sipp = hasSipp();
if (!sipp && process.env.CI === 'true') throw new Error('sipp (Debian sip-tester) is required for the bridge tests in CI');

describe.skipIf(!sipp)("RegDesk's AMI bridge against the sandbox", () => {
  it('syncs the registrations, follows a new one live and reports the refusal of a third phone on phone1', { timeout: 30_000 }, async () => {
    pbx = await SandboxPbx.start({ config: labConfig(), sipPort: 0 });
    ami = await startAmiServer({ pbx, port: 0 });
    const server = pbx.sipAddress;
    const phone = { server, user: 'phone1', password: 'pw-phone1', expires: 3600 };
    expect((await registerPhone(phone)).status).toBe(200);

    session = PbxSession.start({ host: '127.0.0.1', port: ami.port, username: 'lab', secret: 'labsecret' });
    const changes: StateChange[] = [];
    session.onChange((batch) => changes.push(...batch));
    await session.whenLive(10_000);
    expect(session.state()?.contactsOfAor('phone1')).toHaveLength(1);

    expect((await registerPhone(phone)).status).toBe(200);
    const refused = await registerPhone(phone);
    expect(refused.status).toBe(403);
    await waitUntil(() => changes.some((c) => c.kind === 'refused'), 5000);
    await waitUntil(() => session?.state()?.contactsOfAor('phone1').length === 2, 5000);
    const refusal = changes.find((c) => c.kind === 'refused');
    expect(refusal?.kind === 'refused' && refusal.refusal).toMatchObject({ endpoint: 'phone1', callId: refused.callId, maxContacts: 2 });
    expect(session.status().readsSecurityEvents).toBe(true);
  });
});

async function waitUntil(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
