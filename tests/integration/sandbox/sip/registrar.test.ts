// The Sandbox registrar driven by real UDP SIP phones (src-main/sandbox/sip/phone.ts) on loopback,
// checked against what Asterisk 22 did in the recorded transcripts.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSandboxConfig } from '../../../../src-main/sandbox/config/load';
import { CONTACT_FAMILY } from '../../../../src-main/sandbox/contact-store';
import { expectedDigestResponse } from '../../../../src-main/sandbox/sip/digest';
import { headerValue, headerValues } from '../../../../src-main/sandbox/sip/message';
import { SipPhone } from '../../../../src-main/sandbox/sip/phone';
import { FIXTURES_DIR } from '../../../support/transcript';
import { fieldOf, privilegeClasses, recordedEvent, startLab, waitFor } from './harness';

const phones: SipPhone[] = [];
afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.close()));
});

async function phone(server: { address: string; port: number }, user: string, opts: { password?: string; answerOptions?: boolean } = {}): Promise<SipPhone> {
  const p = await SipPhone.open({ server, user, password: opts.password ?? `pw-${user}`, userAgent: 'Grandstream GXP2170 1.0.11.3', answerOptions: opts.answerOptions ?? true });
  phones.push(p);
  return p;
}

function expectShapeAsRecorded(file: string, e: { event: string; privilege: string[]; fields: Array<[string, string]> }): void {
  const recorded = recordedEvent(file, e.event);
  expect(e.fields.map(([k]) => k)).toEqual(recorded.fields.map(([k]) => k));
  expect(e.privilege).toEqual(privilegeClasses(recorded.privilege));
}

describe('REGISTER', () => {
  it('announces an accepted REGISTER as Asterisk does: ChallengeSent, SuccessfulAuth, PeerStatus Reachable, ContactStatus NonQualified', async () => {
    const { pbx, events, take } = await startLab();
    const desk = await phone(pbx.sipAddress, 'phone1');
    const res = await desk.register(3600);
    expect(res.status).toBe(200);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'PeerStatus Reachable', 'ContactStatus NonQualified']);
    for (const e of events) expectShapeAsRecorded('a_phone1_two_contacts_queries.txt', e);

    const [challenge, auth, peer, status] = events;
    expect(fieldOf(challenge, 'SessionID')).toBe(desk.callId);
    expect(fieldOf(challenge, 'RemoteAddress')).toBe(`IPV4/UDP/127.0.0.1/${desk.localAddress.port}`);
    expect(fieldOf(challenge, 'LocalAddress')).toBe(`IPV4/UDP/127.0.0.1/${pbx.sipAddress.port}`);
    expect(fieldOf(challenge, 'Challenge')).toBe('');
    expect(fieldOf(auth, 'UsingPassword')).toBe('1');
    expect(peer!.fields).toEqual([['ChannelType', 'PJSIP'], ['Peer', 'PJSIP/phone1'], ['PeerStatus', 'Reachable']]);
    expect(status!.fields).toEqual([['URI', desk.contactUri], ['ContactStatus', 'NonQualified'], ['AOR', 'phone1'], ['EndpointName', 'phone1'], ['RoundtripUsec', '0']]);

    expect(pbx.contacts()).toMatchObject([
      { aor: 'phone1', endpoint: 'phone1', uri: desk.contactUri, userAgent: 'Grandstream GXP2170 1.0.11.3', viaAddr: '127.0.0.1', viaPort: desk.localAddress.port, callId: desk.callId, status: 'NonQualified', roundtripUsec: null },
    ]);
    // The 200 OK lists the AOR's contacts with the seconds left, and echoes Expires (recording f).
    expect(headerValues(res.headers, 'contact')).toEqual([expect.stringMatching(new RegExp(`^<${escape(desk.contactUri)}>;expires=(3599|3600)$`))]);
    expect(headerValue(res.headers, 'expires')).toBe('3600');
    expect(headerValue(res.headers, 'server')).toBe('Asterisk PBX 22.10.1');
    expect(pbx.endpoints().find((e) => e.name === 'phone1')?.deviceState).toBe('Not in use');
  });

  it('refreshes an existing contact without any ContactStatus event', async () => {
    const { pbx, take } = await startLab();
    const desk = await phone(pbx.sipAddress, 'phone1');
    await desk.register(120);
    const before = pbx.contacts()[0]!;
    take();
    const res = await desk.register(3600);
    expect(res.status).toBe(200);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth']);
    const after = pbx.contacts();
    expect(after).toHaveLength(1);
    expect(after[0]!.expirationTime).toBeGreaterThan(before.expirationTime);
  });

  it('refuses the third contact when max_contacts is 2 with 403 and FailedACL, as recorded', async () => {
    const { pbx, events, take } = await startLab();
    await (await phone(pbx.sipAddress, 'phone1')).register(3600);
    await (await phone(pbx.sipAddress, 'phone1')).register(3600);
    const before = pbx.contacts();
    take();
    const third = await phone(pbx.sipAddress, 'phone1');
    const res = await third.register(3600);
    expect(res.status).toBe(403);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'FailedACL']);
    const failed = events[events.length - 1]!;
    expectShapeAsRecorded('b_phone1_third_contact_max_contacts.txt', failed);
    expect(failed.fields.filter(([k]) => !['EventTV', 'SessionID', 'RemoteAddress', 'LocalAddress'].includes(k))).toEqual(
      recordedEvent('b_phone1_third_contact_max_contacts.txt', 'FailedACL').fields.filter(([k]) => !['EventTV', 'SessionID', 'RemoteAddress', 'LocalAddress'].includes(k)),
    );
    expect(fieldOf(failed, 'SessionID')).toBe(third.callId);
    expect(fieldOf(failed, 'RemoteAddress')).toBe(`IPV4/UDP/127.0.0.1/${third.localAddress.port}`);
    expect(pbx.contacts()).toEqual(before);
  });

  it('remove_existing drops the soonest-expiring contact: NonQualified for the new one, then Removed', async () => {
    const { pbx, take } = await startLab();
    const old = await phone(pbx.sipAddress, 'phone2');
    await old.register(3600);
    take();
    const rebooted = await phone(pbx.sipAddress, 'phone2');
    expect((await rebooted.register(3600)).status).toBe(200);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'ContactStatus NonQualified', 'ContactStatus Removed']);
    expect(pbx.contacts().map((c) => c.uri)).toEqual([rebooted.contactUri]);
  });

  it('raises an Expires below minimum_expiration to 60 instead of refusing it', async () => {
    const { pbx } = await startLab();
    const desk = await phone(pbx.sipAddress, 'phone1');
    const res = await desk.register(5);
    expect(res.status).toBe(200);
    expect(headerValue(res.headers, 'expires')).toBe('60');
    expect(headerValues(res.headers, 'contact')[0]).toMatch(/;expires=(59|60)$/);
    expect(pbx.contacts()[0]!.expirationTime - Math.floor(Date.now() / 1000)).toBeGreaterThanOrEqual(59);
  });

  it('unregisters with Expires 0, and with Contact * (PeerStatus Unreachable before the last Removed)', async () => {
    const { pbx, take } = await startLab();
    const desk = await phone(pbx.sipAddress, 'phone1');
    const soft = await phone(pbx.sipAddress, 'phone1');
    await desk.register(3600);
    await soft.register(3600);
    take();
    const res = await desk.register(0);
    expect(res.status).toBe(200);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'ContactStatus Removed']);
    expect(headerValues(res.headers, 'contact')).toEqual([expect.stringContaining(soft.contactUri)]);
    expect((await soft.register(0, '*')).status).toBe(200);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'PeerStatus Unreachable', 'ContactStatus Removed']);
    expect(pbx.contacts()).toEqual([]);
    expect(pbx.endpoints().find((e) => e.name === 'phone1')?.deviceState).toBe('Unavailable');
  });

  it('answers a wrong password with a new 401 and ChallengeResponseFailed only (recording h)', async () => {
    const { pbx, events, take } = await startLab();
    const res = await (await phone(pbx.sipAddress, 'phone1', { password: 'wrong' })).register(3600);
    expect(res.status).toBe(401);
    expect(take()).toEqual(['ChallengeSent', 'ChallengeResponseFailed']);
    const failed = events[1]!;
    expectShapeAsRecorded('h_login_failures_unknown_action.txt', failed);
    expect(fieldOf(failed, 'Challenge')).toMatch(/^\d+\/[0-9a-f]{32}$/);
    expect(fieldOf(failed, 'ExpectedResponse')).toBe('');
    expect(pbx.contacts()).toEqual([]);
  });

  it('challenges an unknown endpoint like a known one, and reports InvalidAccountID from the 5th try in 5 s', async () => {
    const { pbx, events, take } = await startLab();
    const scanner = await phone(pbx.sipAddress, 'nosuch');
    expect((await scanner.register(3600)).status).toBe(401);
    expect(take()).toEqual(['ChallengeSent', 'ChallengeSent']);
    expect(fieldOf(events[0], 'AccountID')).toBe('<unknown>');
    await scanner.register(3600);
    await scanner.register(3600);
    expect(take()).toEqual(['ChallengeSent', 'ChallengeSent', 'InvalidAccountID', 'ChallengeSent', 'InvalidAccountID', 'ChallengeSent']);
    expect(fieldOf(events.find((e) => e.event === 'InvalidAccountID'), 'AccountID')).toBe('nosuch');
  });

  it('identifies an endpoint by its auth username when the From user names none (identify_by auth_username)', async () => {
    const config = parseSandboxConfig({
      pjsip: '[alice]\ntype=endpoint\naors=1001\nauth=alice-auth\n[alice-auth]\ntype=auth\nusername=1001\npassword=s3cret\n[1001]\ntype=aor\nmax_contacts=1\n',
    });
    const { pbx, events, take } = await startLab({ config });
    const desk = await phone(pbx.sipAddress, '1001', { password: 's3cret' });
    expect((await desk.register(3600)).status).toBe(200);
    // The first REGISTER carries no credentials: it is challenged for the artificial endpoint.
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'PeerStatus Reachable', 'ContactStatus NonQualified']);
    expect(fieldOf(events[0], 'AccountID')).toBe('<unknown>');
    expect(fieldOf(events[1], 'AccountID')).toBe('alice');
    expect(pbx.contacts()).toMatchObject([{ endpoint: 'alice', aor: '1001', uri: desk.contactUri }]);
  });

  it('answers 403 for an AOR without max_contacts (res_pjsip_registrar.c)', async () => {
    const { pbx, take } = await startLab();
    const res = await (await phone(pbx.sipAddress, 'noreg')).register(3600);
    expect(res.status).toBe(403);
    expect(take()).toEqual(['RequestNotSupported']);
  });
});

describe('expiry and qualify', () => {
  it('removes an expired contact at the next expiry check: PeerStatus Unreachable, then Removed', async () => {
    let now = Date.now();
    const { pbx, take } = await startLab({ clock: () => now, expiryCheckIntervalMs: 20 });
    await (await phone(pbx.sipAddress, 'phone1')).register(60);
    take();
    now += 59_000;
    await new Promise((r) => setTimeout(r, 60));
    expect(pbx.contacts()).toHaveLength(1);
    now += 2_000;
    await waitFor(() => pbx.contacts().length === 0);
    expect(take()).toEqual(['PeerStatus Unreachable', 'ContactStatus Removed']);
  });

  it('expires two contacts in one check in AstDB key order, PeerStatus Unreachable just before the last Removed (recording f)', async () => {
    let now = Date.now();
    const { pbx, events, take } = await startLab({ clock: () => now, expiryCheckIntervalMs: 20 });
    await (await phone(pbx.sipAddress, 'phone1')).register(60);
    await (await phone(pbx.sipAddress, 'phone1')).register(60);
    const inKeyOrder = pbx.contacts().map((c) => c.uri);
    take();
    now += 62_000;
    await waitFor(() => pbx.contacts().length === 0);
    expect(take()).toEqual(['ContactStatus Removed', 'PeerStatus Unreachable', 'ContactStatus Removed']);
    expect(events.filter((e) => e.event === 'ContactStatus').slice(-2).map((e) => fieldOf(e, 'URI'))).toEqual(inKeyOrder);
  });

  it('qualifies with OPTIONS: Reachable with a round trip for a phone that answers, Unreachable after qualify_timeout for one that does not', async () => {
    const { pbx, events, take } = await startLab();
    const silent = await phone(pbx.sipAddress, 'fast', { answerOptions: false });
    await silent.register(3600);
    await waitFor(() => events.some((e) => fieldOf(e, 'ContactStatus') === 'Unreachable'));
    // A qualified AOR's endpoint is not online until a contact answers (recordings c2, e).
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'ContactStatus NonQualified', 'ContactStatus Unreachable']);
    const answering = await phone(pbx.sipAddress, 'fast');
    await answering.register(3600);
    await waitFor(() => events.some((e) => fieldOf(e, 'ContactStatus') === 'Reachable'));
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'ContactStatus NonQualified', 'PeerStatus Reachable', 'ContactStatus Reachable']);
    const reachable = events[events.length - 1]!;
    expect(Number(fieldOf(reachable, 'RoundtripUsec'))).toBeGreaterThan(0);
    const listed = pbx.contacts().find((c) => c.uri === answering.contactUri)!;
    expect(listed.status).toBe('Reachable');
    expect(listed.roundtripUsec).toBeGreaterThan(0);

    // Events only on a change of status: more qualify rounds (every second) bring none.
    await new Promise((r) => setTimeout(r, 1500));
    expect(take()).toEqual([]);
    answering.answerOptions = false;
    await waitFor(() => events.some((e) => fieldOf(e, 'PeerStatus') === 'Unreachable'));
    expect(take()).toEqual(['PeerStatus Unreachable', 'ContactStatus Unreachable']);
    expect(pbx.qualifyEndpoint('fast')).toBe(true);
    expect(pbx.qualifyEndpoint('nosuch')).toBe(false);
  });
});

/** The SIP message a recorded trace quotes after the line `#| <startLine>`, as lines ending with ''. */
function recordedMessage(file: string, startLine: string): string[] {
  const lines = readFileSync(join(FIXTURES_DIR, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l === `#| ${startLine}`);
  if (start === -1) throw new Error(`${file}: no '${startLine}'`);
  return [...lines.slice(start, lines.indexOf('#| ', start)).map((l) => l.slice(3)), ''];
}

function headerNames(msg: string[]): string[] {
  return msg.slice(1, msg.indexOf('')).map((l) => l.slice(0, l.indexOf(':')));
}

describe('SIP answers', () => {
  it('writes 401, 200 and 403 with the headers, order and values Asterisk 22 wrote (recordings b, f)', async () => {
    const { pbx } = await startLab();
    const phones = await Promise.all([RawPhone.open(pbx.sipAddress), RawPhone.open(pbx.sipAddress), RawPhone.open(pbx.sipAddress)]);
    for (const p of phones) await p.register('phone1', 'pw-phone1');
    const [challenge, ok] = phones[0]!.received.map((m) => m.split('\r\n'));
    const refused = phones[2]!.received[1]!.split('\r\n');
    expect(headerNames(challenge!)).toEqual(headerNames(recordedMessage('b_phone1_third_contact_max_contacts.txt', 'SIP/2.0 401 Unauthorized')));
    expect(headerNames(ok!)).toEqual(headerNames(recordedMessage('f_short_expiry.txt', 'SIP/2.0 200 OK')));
    expect(headerNames(refused)).toEqual(headerNames(recordedMessage('b_phone1_third_contact_max_contacts.txt', 'SIP/2.0 403 Forbidden')));
    expect(refused[0]).toBe('SIP/2.0 403 Forbidden');
    const port = phones[0]!.port;
    expect(challenge).toContain(`Via: SIP/2.0/UDP 127.0.0.1:${port};rport=${port};received=127.0.0.1;branch=z9hG4bK-raw-1`);
    expect(challenge).toContain('To: <sip:phone1@127.0.0.1>;tag=z9hG4bK-raw-1');
    expect(challenge!.find((l) => l.startsWith('WWW-Authenticate:'))).toMatch(/^WWW-Authenticate: Digest realm="asterisk",nonce="\d+\/[0-9a-f]{32}",opaque="[0-9a-f]{16}",algorithm=MD5,qop="auth"$/);
    expect(ok!.find((l) => l.startsWith('Date:'))).toMatch(/^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(ok).toContain('Content-Length:  0');
    await Promise.all(phones.map((p) => p.close()));
  });
});

describe('qualify requests', () => {
  it('sends OPTIONS shaped like Asterisk 22 (recording c2): same headers in the same order, To without the port', async () => {
    const { pbx } = await startLab();
    const device = await RawPhone.open(pbx.sipAddress);
    await device.register('fast', 'pw-fast');
    await waitFor(() => device.received.some((m) => m.startsWith('OPTIONS ')));
    const sent = device.received.find((m) => m.startsWith('OPTIONS '))!.split('\r\n');

    const recorded = recordedMessage('c2_dbdel_qualified_contact.txt', 'OPTIONS sip:phone3@127.0.0.1:5081;rinstance=6c390e7386c8ef62 SIP/2.0');
    expect(headerNames(sent)).toEqual(headerNames(recorded));
    expect(sent[0]).toBe(`OPTIONS ${device.contactUri} SIP/2.0`);
    expect(sent).toContain(`To: <sip:fast@127.0.0.1;rinstance=${device.rinstance}>`);
    expect(sent).toContain('User-Agent: Asterisk PBX 22.10.1');
    expect(sent).toContain('Content-Length:  0');
    await device.close();
  });
});

describe('a contact deleted from the AstDB', () => {
  it('is gone from the contacts but stays a ghost: still qualified, no Removed, endpoint still Not in use', async () => {
    const { pbx, events, take } = await startLab();
    const desk = await phone(pbx.sipAddress, 'fast');
    await desk.register(3600);
    await waitFor(() => events.some((e) => fieldOf(e, 'ContactStatus') === 'Reachable'));
    const [contact] = pbx.contacts();
    take();
    expect(pbx.astdb.del(CONTACT_FAMILY, contact!.id)).toBe(true);
    expect(pbx.contacts()).toEqual([]);
    expect(pbx.endpoints().find((e) => e.name === 'fast')?.deviceState).toBe('Not in use');
    desk.answerOptions = false;
    await waitFor(() => events.some((e) => fieldOf(e, 'ContactStatus') === 'Unreachable'));
    expect(take()).toEqual(['PeerStatus Unreachable', 'ContactStatus Unreachable']);
  });

  it('comes back with its live status when its value is put back (DBPut, the Undo of a removal)', async () => {
    const { pbx, take } = await startLab();
    const desk = await phone(pbx.sipAddress, 'phone1');
    await desk.register(3600);
    const [contact] = pbx.contacts();
    const stored = pbx.astdb.get(CONTACT_FAMILY, contact!.id)!;
    pbx.astdb.del(CONTACT_FAMILY, contact!.id);
    take();
    pbx.astdb.put(CONTACT_FAMILY, contact!.id, stored);
    expect(pbx.contacts()).toEqual([contact]);
    expect(take()).toEqual([]);
    // ...and the registrar counts it again.
    await (await phone(pbx.sipAddress, 'phone1')).register(3600);
    expect((await (await phone(pbx.sipAddress, 'phone1')).register(3600)).status).toBe(403);
  });

  it('frees its slot: the phone registers again with 200', async () => {
    const { pbx } = await startLab();
    const a = await phone(pbx.sipAddress, 'phone1');
    const b = await phone(pbx.sipAddress, 'phone1');
    await a.register(3600);
    await b.register(3600);
    pbx.astdb.del(CONTACT_FAMILY, pbx.contacts().find((c) => c.uri === a.contactUri)!.id);
    expect((await (await phone(pbx.sipAddress, 'phone1')).register(3600)).status).toBe(200);
  });
});

describe('bad input', () => {
  async function send(port: number, datagram: string | Buffer, waitMs = 150): Promise<string[]> {
    const socket = createSocket('udp4');
    const answers: string[] = [];
    socket.on('message', (m) => answers.push(m.toString()));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    socket.send(datagram, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, waitMs));
    await new Promise<void>((r) => socket.close(() => r()));
    return answers;
  }
  const register = (extra: string[], drop: string[] = []) =>
    [
      'REGISTER sip:127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-bad;rport',
      'From: <sip:phone1@127.0.0.1>;tag=1',
      'To: <sip:phone1@127.0.0.1>',
      'Call-ID: bad-input@127.0.0.1',
      'CSeq: 1 REGISTER',
      ...extra,
      'Content-Length: 0',
    ]
      .filter((l) => !drop.some((d) => l.startsWith(d)))
      .join('\r\n') + '\r\n\r\n';

  it('drops truncated, oversize and non-SIP datagrams without answering, and keeps serving', async () => {
    const { pbx } = await startLab();
    const port = pbx.sipAddress.port;
    expect(await send(port, register([]).slice(0, 60))).toEqual([]);
    expect(await send(port, Buffer.alloc(40_000, 'x'))).toEqual([]);
    expect(await send(port, Buffer.from([0, 1, 2, 3, 13, 10, 13, 10]))).toEqual([]);
    expect(await send(port, register([], ['Via']))).toEqual([]);
    expect(pbx.droppedDatagrams).toBe(3);
    expect((await (await phone(pbx.sipAddress, 'phone1')).register(3600)).status).toBe(200);
  });

  it('drops a REGISTER whose Call-ID hides a bare LF (AMI header injection) and raises no event', async () => {
    const { pbx, events } = await startLab();
    const forged = register([]).replace('Call-ID: bad-input@127.0.0.1', 'Call-ID: x\nEvent: FailedACL');
    expect(await send(pbx.sipAddress.port, forged)).toEqual([]);
    expect(events).toEqual([]);
    expect(pbx.droppedDatagrams).toBe(1);
  });

  it('answers 400 to a REGISTER missing Call-ID, or with a CSeq for another method', async () => {
    const { pbx } = await startLab();
    const [noCallId] = await send(pbx.sipAddress.port, register([], ['Call-ID']));
    expect(noCallId).toMatch(/^SIP\/2\.0 400 Bad Request\r\n/);
    const [wrongCseq] = await send(pbx.sipAddress.port, register([]).replace('CSeq: 1 REGISTER', 'CSeq: 1 INVITE'));
    expect(wrongCseq).toMatch(/^SIP\/2\.0 400 Bad Request\r\n/);
  });

  it('answers a bad digest with 401 and a garbled Authorization with a fresh challenge, never a crash', async () => {
    const { pbx } = await startLab();
    const [garbled] = await send(pbx.sipAddress.port, register(['Authorization: Digest username="phone1,realm']));
    expect(garbled).toMatch(/^SIP\/2\.0 401 Unauthorized\r\n/);
    const forged = 'Authorization: Digest username="phone1",realm="asterisk",nonce="1/00",uri="sip:127.0.0.1",response="00",algorithm=MD5';
    const [bad] = await send(pbx.sipAddress.port, register([forged]));
    expect(bad).toMatch(/^SIP\/2\.0 401 Unauthorized\r\n/);
  });

  it('keeps serving phones while a flood of REGISTERs arrives', async () => {
    const { pbx } = await startLab();
    const flood = createSocket('udp4');
    await new Promise<void>((r) => flood.bind(0, '127.0.0.1', r));
    let answered = 0;
    flood.on('message', () => answered++);
    let timerRan = false;
    setTimeout(() => (timerRan = true), 1);
    const desk = await phone(pbx.sipAddress, 'phone1');
    const registered = desk.register(3600);
    for (let i = 0; i < 3000; i++) flood.send(register([]).replace('bad-input', `flood-${i}`), pbx.sipAddress.port, '127.0.0.1');
    expect((await registered).status).toBe(200);
    await waitFor(() => answered > 0);
    expect(timerRan).toBe(true);
    await new Promise<void>((r) => flood.close(() => r()));
  });
});

describe('retransmissions', () => {
  it('answers a retransmitted REGISTER with the same 200 OK without processing it again', async () => {
    const { pbx, take } = await startLab();
    const device = await RawPhone.open(pbx.sipAddress);
    const authed = await device.register('phone1', 'pw-phone1');
    expect(device.received[1]).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    await device.send(authed);
    expect(device.received[2]).toBe(device.received[1]);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'PeerStatus Reachable', 'ContactStatus NonQualified']);
    await device.close();
  });
});

/** A phone made of a bare UDP socket: every datagram it receives is kept, nothing answered. */
class RawPhone {
  readonly received: string[] = [];
  readonly rinstance = '0123456789abcdef';
  private user = '';
  private constructor(
    private readonly socket: ReturnType<typeof createSocket>,
    private readonly server: { address: string; port: number },
  ) {
    socket.on('message', (m) => this.received.push(m.toString()));
  }

  static async open(server: { address: string; port: number }): Promise<RawPhone> {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    return new RawPhone(socket, server);
  }

  get port(): number {
    return this.socket.address().port;
  }

  get contactUri(): string {
    return `sip:${this.user}@127.0.0.1:${this.port};rinstance=${this.rinstance}`;
  }

  /** REGISTER, answer the 401, and return the authenticated request as sent. */
  async register(user: string, password: string): Promise<string> {
    this.user = user;
    const uri = `sip:127.0.0.1:${this.server.port}`;
    const request = (cseq: number, authorization?: string) =>
      [
        `REGISTER ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.socket.address().port};branch=z9hG4bK-raw-${cseq};rport`,
        `From: <sip:${user}@127.0.0.1>;tag=raw`,
        `To: <sip:${user}@127.0.0.1>`,
        'Call-ID: raw-phone@127.0.0.1',
        `CSeq: ${cseq} REGISTER`,
        `Contact: <${this.contactUri}>`,
        'Expires: 3600',
        ...(authorization ? [`Authorization: ${authorization}`] : []),
        'Content-Length: 0',
      ].join('\r\n') + '\r\n\r\n';
    await this.send(request(1));
    const nonce = /nonce="([^"]+)"/.exec(this.received[this.received.length - 1]!)![1]!;
    const c = { username: user, realm: 'asterisk', nonce, uri, qop: 'auth', nc: '00000001', cnonce: 'c0ffee' };
    const authed = request(2, `Digest username="${user}",realm="asterisk",nonce="${nonce}",uri="${uri}",response="${expectedDigestResponse(c, 'REGISTER', password)}",qop=auth,nc=00000001,cnonce="c0ffee",algorithm=MD5`);
    await this.send(authed);
    return authed;
  }

  /** Sends a request and waits for the next answer to arrive. */
  async send(datagram: string): Promise<void> {
    const answers = () => this.received.filter((m) => m.startsWith('SIP/2.0')).length;
    const before = answers();
    this.socket.send(datagram, this.server.port, this.server.address);
    await waitFor(() => answers() > before);
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
