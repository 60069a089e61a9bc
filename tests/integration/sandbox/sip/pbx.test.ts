// SandboxPbx as a whole: contacts surviving a restart, IPv6, what the AMI server reads from it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxPbx } from '../../../../src-main/sandbox/pbx';
import { SipPhone } from '../../../../src-main/sandbox/sip/phone';
import { fieldOf, LAB_CONFIG, startLab } from './harness';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('SandboxPbx', () => {
  it('keeps registered contacts across a restart when given an AstDB file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regdesk-pbx-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const astdbFile = join(dir, 'astdb.json');
    const first = await SandboxPbx.start({ config: LAB_CONFIG, astdbFile });
    const phone = await SipPhone.open({ server: first.sipAddress, user: 'phone1', password: 'pw-phone1' });
    cleanups.push(() => phone.close());
    expect((await phone.register(3600)).status).toBe(200);
    const before = first.contacts();
    await first.close();

    const second = await SandboxPbx.start({ config: LAB_CONFIG, astdbFile });
    cleanups.push(() => second.close());
    expect(second.contacts()).toEqual(before);
    expect(second.endpoints().find((e) => e.name === 'phone1')?.deviceState).toBe('Not in use');
  });

  it('serves IPv6 when bound to ::1, with IPV6 addresses in the security events', async () => {
    const { pbx, events } = await startLab({ bind: '::1' });
    expect(pbx.sipAddress.address).toBe('::1');
    const phone = await SipPhone.open({ server: pbx.sipAddress, user: 'phone1', password: 'pw-phone1', bind: '::1' });
    cleanups.push(() => phone.close());
    expect((await phone.register(3600)).status).toBe(200);
    expect(pbx.contacts()).toMatchObject([{ uri: phone.contactUri, viaAddr: '::1', viaPort: phone.localAddress.port }]);
    expect(phone.contactUri).toMatch(/^sip:phone1@\[::1\]:\d+;rinstance=/);
    expect(fieldOf(events[0], 'RemoteAddress')).toBe(`IPV6/UDP/::1/${phone.localAddress.port}`);
  });

  it('lists endpoints with their AORs and device state, and AORs with their options', async () => {
    const { pbx } = await startLab();
    expect(pbx.endpoints().map((e) => [e.name, e.aors, e.deviceState])).toEqual([
      ['phone1', ['phone1'], 'Unavailable'],
      ['phone2', ['phone2'], 'Unavailable'],
      ['fast', ['fast'], 'Unavailable'],
      ['noreg', ['noreg'], 'Unavailable'],
    ]);
    expect(pbx.aors().find((a) => a.name === 'phone2')).toMatchObject({ maxContacts: 1, removeExisting: true, qualifyTimeout: 3 });
  });
});
