// Slow and hostile peers (issue 5): an AMI server that trickles one byte per 100 ms, one that
// sends an endless line, one that never completes a list. Each time the deadline or limit
// fires, memory stays bounded, and a healthy Sandbox PBX connection in the same process keeps
// syncing, answering and following live REGISTERs (real UDP SIP) all along.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmiConnection } from '../../src-main/ami/connection';
import { AmiError } from '../../src-main/ami/errors';
import { PbxSession } from '../../src-main/ami/session';
import { SipPhone } from '../../src-main/sandbox/sip/phone';
import { startSandboxHost, type SandboxHost } from '../../src-main/services/sandbox-host';
import { acceptLogin, BANNER, startHostileAmi, type HostileAmi } from './support/hostile-ami';
import { heapPeak, liveHeapBytes } from '../support/heap';

const LOGIN = { host: '127.0.0.1', username: 'regdesk', secret: 'any' };

describe('hostile AMI peers', () => {
  let sandbox: SandboxHost;
  let healthy: PbxSession;
  let phoneNumber = 0;
  const hostile: HostileAmi[] = [];

  /** The healthy connection, while a hostile one misbehaves: a REGISTER shows up in its state
   *  (within 3 s: a bound for a loaded CI machine, not a speed figure), and an action round trip answers. */
  async function healthyStillWorks(): Promise<void> {
    const user = phoneNumber++ % 2 === 0 ? 'phone1' : 'phone3';
    const phone = await SipPhone.open({ server: sandbox.pbx.sipAddress, user, password: `pw-${user}` });
    try {
      expect((await phone.register(60)).status).toBe(200);
      const deadline = Date.now() + 3_000;
      while (!healthy.state()?.contactsOfAor(user).some((c) => c.uri === phone.contactUri)) {
        if (Date.now() > deadline) throw new Error(`the healthy session did not see ${user}'s REGISTER within 3 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await healthy.dialString(user)).toContain(phone.contactUri);
      await phone.register(0);
    } finally {
      await phone.close();
    }
  }

  beforeAll(async () => {
    sandbox = await startSandboxHost({ demoPhones: false });
    healthy = PbxSession.start({ ...sandbox.login, securityProbeMs: 60_000 });
    await healthy.whenLive(10_000);
  });
  afterAll(async () => {
    await healthy.close();
    await Promise.all(hostile.map((h) => h.close()));
    await sandbox.close();
  });

  it('gives up on a peer that trickles one byte per 100 ms: login deadline, then a list deadline', async () => {
    const trickle = (text: string, ctx: Parameters<Parameters<typeof startHostileAmi>[0]>[0]) => {
      let at = 0;
      ctx.every(100, () => {
        if (at < text.length) ctx.socket.write(text[at++]!);
      });
    };
    const slowBanner = await startHostileAmi((ctx) => trickle(BANNER, ctx));
    const slowList = await startHostileAmi((ctx) => acceptLogin(ctx, (_action, id) => trickle(`Response: Success\r\nActionID: ${id}\r\nEventList: start\r\n\r\n`.repeat(100), ctx)));
    hostile.push(slowBanner, slowList);

    const login = AmiConnection.connect({ ...LOGIN, port: slowBanner.port, loginTimeoutMs: 1_500 }).catch((e: unknown) => e);
    await healthyStillWorks();
    const error = await login;
    expect(error).toBeInstanceOf(AmiError);
    expect((error as AmiError).code).toBe('timeout');

    const session = PbxSession.start({ ...LOGIN, port: slowList.port, actionTimeoutMs: 1_500, retry: false, securityProbeMs: 60_000 });
    const live = session.whenLive(5_000).catch((e: unknown) => e);
    await healthyStillWorks();
    expect(await live).toMatchObject({ code: 'timeout' });
    expect(session.status()).toMatchObject({ state: 'failed', error: { code: 'timeout' } });
    expect(session.status().error?.message).toMatch(/PJSIPShowEndpoints/);
    await session.close();
  });

  it('cuts off a peer that sends an endless line, with memory flat, at its line limit', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const endless = await startHostileAmi((ctx) => acceptLogin(ctx, () => ctx.every(1, () => ctx.socket.write(chunk))));
    hostile.push(endless);
    const heapBefore = process.memoryUsage().heapUsed;
    const session = PbxSession.start({ ...LOGIN, port: endless.port, retry: false, securityProbeMs: 60_000, readerLimits: { maxLineBytes: 1024 * 1024 } });
    const live = session.whenLive(5_000).catch((e: unknown) => e);
    await healthyStillWorks();
    expect(await live).toMatchObject({ code: 'protocol' });
    expect(session.status().error?.message).toMatch(/line/);
    expect(endless.written).toBeGreaterThan(1024 * 1024);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    await session.close();
  });

  it('times out a list that never completes while its items keep coming, memory bounded by the deadline', async () => {
    const item = (id: string, n: number) =>
      `Event: EndpointList\r\nActionID: ${id}\r\nObjectType: endpoint\r\nObjectName: ep${n}\r\nTransport: transport-udp\r\nAor: ep${n}\r\nAuths: ep${n}\r\nOutboundAuths: \r\nContacts: \r\nDeviceState: Unavailable\r\nActiveChannels: 0\r\n\r\n`;
    const endlessList = await startHostileAmi((ctx) =>
      acceptLogin(ctx, (_action, id) => {
        ctx.socket.write(`Response: Success\r\nActionID: ${id}\r\nEventList: start\r\nMessage: A listing of Endpoints follows, presented as EndpointList events\r\n\r\n`);
        let n = 0;
        // As fast as the client takes them, like Asterisk: a server that ignored backpressure
        // would pile the items up in its own write buffer, in this same test process.
        ctx.every(1, () => ctx.socket.writableNeedDrain || ctx.socket.write(Array.from({ length: 50 }, () => item(id, n++)).join('')));
      }),
    );
    hostile.push(endlessList);
    const heapBefore = liveHeapBytes();
    const peak = heapPeak();
    const session = PbxSession.start({ ...LOGIN, port: endlessList.port, actionTimeoutMs: 2_000, retry: false, securityProbeMs: 60_000 });
    const live = session.whenLive(6_000).catch((e: unknown) => e);
    await healthyStillWorks();
    expect(await live).toMatchObject({ code: 'timeout' });
    expect(session.status().error?.message).toMatch(/PJSIPShowEndpoints did not complete its list/);
    expect(endlessList.written).toBeGreaterThan(256 * 1024);
    // The deadline bounds what piles up (the items that arrived in 2 s), and once it has fired
    // none of it is held, though the failed session keeps its timeout error.
    expect(peak.stop() - heapBefore).toBeLessThan(128 * 1024 * 1024);
    expect(liveHeapBytes() - heapBefore).toBeLessThan(8 * 1024 * 1024);
    await session.close();
    await healthyStillWorks();
  });
});
