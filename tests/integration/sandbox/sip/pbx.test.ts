// SandboxPbx as a whole: contacts surviving a restart, IPv6, what the AMI server reads from it.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxPbx } from '../../../../src-main/sandbox/pbx';
import { SipPhone } from '../../../../src-main/sandbox/sip/phone';
import { fieldOf, LAB_CONFIG, startLab, waitFor } from './harness';

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

  it('answers every request of a burst of 250 that all arrive before it reads one (the 512 KiB receive buffer pjproject gets in Asterisk)', async () => {
    const { pbx } = await startLab();
    const client = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    cleanups.push(() => new Promise<void>((done) => client.close(() => done())));
    await new Promise<void>((bound) => client.bind(0, '127.0.0.1', () => bound()));
    const answered = new Set<string>();
    client.on('message', (data) => answered.add(/^Call-ID: (.*)$/m.exec(data.toString())?.[1]?.trim() ?? ''));
    const { address, port } = pbx.sipAddress;
    // Sent in one go from this thread: the sandbox, on the same thread, reads none of them until
    // the loop is done, so all 250 wait in its socket's receive buffer at once (a default 208 KiB
    // buffer on Linux holds about 170 such datagrams and drops the rest).
    for (let i = 0; i < 250; i++) {
      const request = [
        `OPTIONS sip:${address}:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${client.address().port};branch=z9hG4bK-burst-${i};rport`,
        `From: <sip:probe@127.0.0.1>;tag=${i}`,
        `To: <sip:${address}>`,
        `Call-ID: burst-${i}`,
        'CSeq: 1 OPTIONS',
        'Max-Forwards: 70',
        'Content-Length: 0',
      ].join('\r\n');
      client.send(Buffer.from(`${request}\r\n\r\n`), port, address);
    }
    await waitFor(() => answered.size === 250);
    expect(pbx.droppedDatagrams).toBe(0);
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
