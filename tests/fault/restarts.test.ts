// Restarts (issue 5): the Sandbox PBX's AMI server killed and restarted 20 times mid-session,
// and once in the middle of a ContactList item of the PJSIPShowContacts answer of a resync. While it is down, phones
// register and unregister (real UDP SIP), so only a full resync can know. Each time: the session
// says stale (the UI's disconnected) in between, comes back live, and its state equals the
// server's (endpoints, AORs, every contact field) after the resync.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PbxSession, type SessionState } from '../../src-main/ami/session';
import { serializeStoredContact } from '../../src-main/core/astdb-contact';
import { contactId } from '../../src-main/core/contact-id';
import type { Contact } from '../../src-main/core/types';
import { startAmiServer, type AmiServer } from '../../src-main/sandbox/ami/server';
import { parseSandboxConfig } from '../../src-main/sandbox/config/load';
import { SandboxPbx } from '../../src-main/sandbox/pbx';
import { SipPhone } from '../../src-main/sandbox/sip/phone';

const ENDPOINTS = 200;
const RESTARTS = 20;
const AMI_USER = { name: 'regdesk', secret: 'restart-secret' };

function config(): ReturnType<typeof parseSandboxConfig> {
  const sections = ['[transport-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:5060\n'];
  for (let i = 1; i <= ENDPOINTS; i++) {
    sections.push(`[ep${i}]\ntype = endpoint\naors = ep${i}\nauth = ep${i}\n\n[ep${i}]\ntype = auth\nauth_type = userpass\nusername = ep${i}\npassword = pw-ep${i}\n\n[ep${i}]\ntype = aor\nmax_contacts = 3\n`);
  }
  return parseSandboxConfig({ pjsip: sections.join('\n'), manager: `[${AMI_USER.name}]\nsecret = ${AMI_USER.secret}\nread = system,security\nwrite = system,reporting\n` });
}

/** Two stored contacts per endpoint, as contacts kept in the AstDB from before a restart. */
function seed(pbx: SandboxPbx): void {
  const expirationTime = Math.floor(Date.now() / 1000) + 3600;
  for (let i = 1; i <= ENDPOINTS; i++) {
    for (const port of [5071, 5072]) {
      const uri = `sip:ep${i}@127.0.0.1:${port};rinstance=${i.toString(16).padStart(16, '0')}`;
      const c: Contact = { id: contactId(`ep${i}`, uri), aor: `ep${i}`, endpoint: `ep${i}`, uri, userAgent: 'Grandstream GXP2170 1.0.11.3', viaAddr: '127.0.0.1', viaPort: port, callId: `${i}-${port}@127.0.0.1`, expirationTime, status: 'NonQualified', roundtripUsec: null, qualifyFrequency: 0, qualifyTimeout: 3, regServer: '', path: '', outboundProxy: '' };
      pbx.astdb.put('registrar/contact', c.id, serializeStoredContact(c));
    }
  }
}

const byId = <T extends { id?: string; name?: string }>(items: T[]) => [...items].sort((a, b) => String(a.id ?? a.name).localeCompare(String(b.id ?? b.name)));

describe('the AMI server killed and restarted under a live session', () => {
  let pbx: SandboxPbx;
  let ami: AmiServer | null = null;
  let front: Server | null = null;
  const links = new Set<Socket>();
  /** The port the session dials: the front of the AMI server, killed and reopened with it. */
  let port = 0;
  let session: PbxSession;
  const states: SessionState[] = [];
  const errors: string[] = [];
  /** When set, the next PJSIPShowContacts answer is cut off in the middle of a ContactList item. */
  let killMidList = false;

  // The AMI server behind a byte-exact front on a port that stays the same across restarts
  // (the server's own port is new each time); the front lets the test kill it at an exact byte.
  async function start(): Promise<void> {
    const server = await startAmiServer({ pbx, writeTimeoutMs: 1_000 });
    ami = server;
    front = createServer((client) => {
      const upstream = connect(server.port, '127.0.0.1');
      for (const s of [client, upstream]) {
        links.add(s);
        s.on('error', () => s.destroy());
        s.on('close', () => {
          links.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (d: Buffer) => upstream.write(d));
      upstream.on('data', (d: Buffer) => {
        const item = killMidList ? d.lastIndexOf('Event: ContactList\r\n') : -1;
        if (item === -1) return void client.write(d);
        killMidList = false;
        client.write(d.subarray(0, item + 100), () => void stop());
      });
    });
    await new Promise<void>((resolve) => front!.listen(port, '127.0.0.1', resolve));
    port = (front.address() as AddressInfo).port;
  }
  async function stop(): Promise<void> {
    const [a, f] = [ami, front];
    ami = null;
    front = null;
    for (const s of links) s.destroy();
    await Promise.all([a?.close(), f && new Promise((resolve) => f.close(resolve))]);
  }
  async function until(what: string, ok: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what} (states: ${states.slice(-6).join(' > ')}; ${session.status().error?.message ?? ''})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  function expectStateEqualsServer(): void {
    const snapshot = session.state()!.snapshot();
    expect(byId(snapshot.contacts)).toEqual(byId(pbx.contacts()));
    expect(byId(snapshot.aors)).toEqual(byId(pbx.aors()));
    expect(byId(snapshot.endpoints)).toEqual(byId(pbx.endpoints()));
  }

  beforeAll(async () => {
    pbx = await SandboxPbx.start({ config: config() });
    seed(pbx);
    await start();
    session = PbxSession.start({ host: '127.0.0.1', port, username: AMI_USER.name, secret: AMI_USER.secret, securityProbeMs: 60_000, backoff: { initialMs: 20, maxMs: 100, jitter: 0.5 } });
    session.onStatus((s) => {
      states.push(s.state);
      if (s.error) errors.push(s.error.message);
    });
    await session.whenLive(10_000);
  });
  afterAll(async () => {
    await session.close();
    await stop();
    await pbx.close();
  });

  it(`recovers from ${RESTARTS} restarts with phones changing while it was down, stale in between`, async () => {
    expectStateEqualsServer();
    const phones: SipPhone[] = [];
    try {
      for (let round = 1; round <= RESTARTS; round++) {
        const mark = states.length;
        await stop();
        await until('the session is stale', () => session.status().state === 'stale');
        // While AMI is down: a new phone registers, and the previous round's phone unregisters.
        const user = `ep${round}`;
        const phone = await SipPhone.open({ server: pbx.sipAddress, user, password: `pw-${user}` });
        expect((await phone.register(3600)).status).toBe(200);
        const previous = phones.at(-1);
        if (previous) expect((await previous.register(0)).status).toBe(200);
        phones.push(phone);
        await start();
        await until(`live again after restart ${round}`, () => session.status().state === 'live');
        expect(states.slice(mark)).toContain('stale');
        expect(states.at(-1)).toBe('live');
        expectStateEqualsServer();
        expect(session.state()!.contact(contactId(user, phone.contactUri))).toBeDefined();
      }
    } finally {
      await Promise.all(phones.map((p) => p.close()));
    }
  });

  it('recovers when the server dies in the middle of the PJSIPShowContacts answer of a resync', async () => {
    await stop();
    await until('the session is stale', () => session.status().state === 'stale');
    killMidList = true;
    await start();
    const cutOff = (m: string) => /while waiting for PJSIPShowContacts \(\d+ list items received\)/.test(m);
    await until('the resync was cut off in its contact list', () => errors.some(cutOff));
    expect(Number(/\((\d+) list items/.exec(errors.find(cutOff)!)![1])).toBeLessThan(ENDPOINTS * 2);
    await until('the server is down', () => ami === null && front === null);
    expect(session.status().state).toBe('stale');
    const phone = await SipPhone.open({ server: pbx.sipAddress, user: 'ep150', password: 'pw-ep150' });
    try {
      expect((await phone.register(3600)).status).toBe(200);
      await start();
      await until('live again', () => session.status().state === 'live');
      expectStateEqualsServer();
      expect(session.state()!.contact(contactId('ep150', phone.contactUri))).toBeDefined();
    } finally {
      await phone.close();
    }
  });
});
