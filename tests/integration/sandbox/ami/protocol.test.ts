// The AMI server on a real TCP socket: login and its failures, security events, classes,
// event masks, malformed input and a peer that stops reading. The PBX behind it holds the
// state recorded in transcript a (phone1 with two contacts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAmiServer } from '../../../../src-main/sandbox/ami/server';
import type { AmiServer } from '../../../../src-main/sandbox/ami/server';
import { recordedPbx } from '../../../unit/sandbox/ami/recorded-lab';
import type { RecordedPbx } from '../../../unit/sandbox/ami/recorded-lab';
import { rawClient } from './raw-client';
import type { RawClient } from './raw-client';

let pbx: RecordedPbx;
let server: AmiServer;
const clients: RawClient[] = [];

async function client(): Promise<RawClient> {
  const c = await rawClient(server.port);
  clients.push(c);
  return c;
}

const failedAcl = {
  event: 'FailedACL',
  privilege: ['security'],
  fields: [
    ['Severity', 'Error'],
    ['Service', 'PJSIP'],
    ['AccountID', 'phone1'],
    ['ACLName', 'registrar_attempt_exceeds_maximum_configured_contacts'],
  ] as Array<[string, string]>,
};

/** What the server reported on its warning channel (captured: a test must not print warnings). */
let warnings: string[] = [];

beforeEach(async () => {
  pbx = recordedPbx('a_phone1_two_contacts_queries.txt', 'S1', 'S1-2');
  warnings = [];
  server = await startAmiServer({ pbx, port: 0, authFailureDelayMs: 1000, warn: (line) => warnings.push(line) });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
});

describe('AMI server', () => {
  it('greets with the Asterisk banner and denies every action before login, reporting RequestNotAllowed', async () => {
    const watcher = await client();
    await watcher.login('lab', 'labsecret');
    const c = await client();
    expect(await c.banner).toBe('Asterisk Call Manager/11.0.0\r\n');
    c.send('Action: Ping\r\nActionID: S1-1\r\n\r\n');
    expect(await c.waitFor((m) => m.includes('S1-1'))).toBe('Response: Error\r\nActionID: S1-1\r\nMessage: Permission denied\r\n\r\n');
    const report = await watcher.waitFor((m) => m.startsWith('Event: RequestNotAllowed\r\n'));
    expect(report).toContain('\r\nAccountID: \r\nSessionID: 0x');
    expect(report).toContain('\r\nRequestType: Action: Ping\r\nSessionTV: 1970-01-01T00:00:00.000+0000\r\n');
  });

  it('answers a wrong secret with Authentication failed about a second later, closes, and reports InvalidPassword', async () => {
    const watcher = await client();
    await watcher.login('lab', 'labsecret');
    const c = await client();
    const sentAt = Date.now();
    c.send('Action: Login\r\nUsername: lab\r\nSecret: wrongsecret\r\nEvents: on\r\nActionID: S1-3\r\n\r\n');
    c.send('Action: Ping\r\nActionID: S1-4\r\n\r\n');
    await c.closed;
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(900);
    expect(c.messages).toEqual(['Response: Error\r\nActionID: S1-3\r\nMessage: Authentication failed\r\n\r\n']);
    const report = await watcher.waitFor((m) => m.startsWith('Event: InvalidPassword\r\n'));
    expect(report).toMatch(/^Event: InvalidPassword\r\nPrivilege: security,all\r\nEventTV: \S+\r\nSeverity: Error\r\nService: AMI\r\nEventVersion: 2\r\nAccountID: lab\r\n/);
  });

  it('reports an unknown user as InvalidAccountID and a peer outside the permit list as FailedACL', async () => {
    const watcher = await client();
    await watcher.login('lab', 'labsecret');
    const unknown = await client();
    unknown.send('Action: Login\r\nUsername: nosuchuser\r\nSecret: labsecret\r\n\r\n');
    const denied = await client();
    denied.send('Action: Login\r\nUsername: local-only\r\nSecret: labsecret\r\n\r\n');
    await Promise.all([unknown.closed, denied.closed]);
    expect(await watcher.waitFor((m) => m.startsWith('Event: InvalidAccountID\r\n'))).toContain('AccountID: nosuchuser\r\n');
    expect(await watcher.waitFor((m) => m.startsWith('Event: FailedACL\r\n'))).toContain('AccountID: local-only\r\n');
  });

  it('sends FullyBooted then SuccessfulAuth to a new session with events on, and SuccessfulAuth to every security reader', async () => {
    const securityOnly = await client();
    await securityOnly.login('labsec', 'labsecret');
    const c = await client();
    await c.login('lab', 'labsecret', 'on');
    const auth = await c.waitFor((m) => m.startsWith('Event: SuccessfulAuth\r\n'));
    expect(c.messages.indexOf(auth)).toBe(2);
    expect(c.messages[1]).toMatch(/^Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: \d+\r\nLastReload: \d+\r\nStatus: Fully Booted\r\n\r\n$/);
    expect(auth).toContain('Service: AMI\r\nEventVersion: 1\r\nAccountID: lab\r\n');
    expect(await securityOnly.waitFor((m) => m.startsWith('Event: SuccessfulAuth\r\n') && m.includes('AccountID: lab\r\n'))).toContain('UsingPassword: 0\r\n');
  });

  it('delivers FailedACL only to sessions that read security with security in their event mask', async () => {
    const lab = await client();
    await lab.login('lab', 'labsecret', 'on');
    const labSecurityMask = await client();
    await labSecurityMask.login('lab', 'labsecret', 'security');
    const noSecurity = await client();
    await noSecurity.login('labnosec', 'labsecret', 'on');
    const securityOnly = await client();
    await securityOnly.login('labsec', 'labsecret', 'on');
    const eventsOff = await client();
    await eventsOff.login('lab', 'labsecret', 'off');
    const maskedLater = await client();
    await maskedLater.login('lab', 'labsecret', 'off');
    maskedLater.send('Action: Events\r\nEventMask: security\r\nActionID: S5-2\r\n\r\n');
    expect(await maskedLater.waitFor((m) => m.includes('S5-2'))).toBe('Response: Success\r\nActionID: S5-2\r\nEvents: On\r\n\r\n');
    pbx.emit(failedAcl);
    pbx.emit({ event: 'PeerStatus', privilege: ['system'], fields: [['ChannelType', 'PJSIP'], ['Peer', 'PJSIP/phone1'], ['PeerStatus', 'Reachable']] });
    for (const c of [lab, labSecurityMask, securityOnly, maskedLater]) {
      expect(await c.waitFor((m) => m.startsWith('Event: FailedACL\r\n'))).toBe(
        'Event: FailedACL\r\nPrivilege: security,all\r\nSeverity: Error\r\nService: PJSIP\r\nAccountID: phone1\r\nACLName: registrar_attempt_exceeds_maximum_configured_contacts\r\n\r\n',
      );
    }
    await noSecurity.waitFor((m) => m.startsWith('Event: PeerStatus\r\n'));
    // Every session had the same chance to receive it: a Ping answered after the events proves it.
    for (const c of [noSecurity, eventsOff]) {
      c.send('Action: Ping\r\nActionID: after\r\n\r\n');
      await c.waitFor((m) => m.includes('ActionID: after\r\n'));
      expect(c.messages.some((m) => m.startsWith('Event: FailedACL'))).toBe(false);
    }
    expect(lab.messages.some((m) => m.startsWith('Event: PeerStatus'))).toBe(true);
    expect(labSecurityMask.messages.some((m) => m.startsWith('Event: PeerStatus'))).toBe(false);
  });

  it('refuses an action outside the user write classes with Permission denied', async () => {
    const c = await client();
    await c.login('labsec', 'labsecret', 'off');
    c.send('Action: Getvar\r\nVariable: PJSIP_DIAL_CONTACTS(phone1)\r\nActionID: g\r\n\r\nAction: PJSIPShowContacts\r\nActionID: c\r\n\r\n');
    expect(await c.waitFor((m) => m.includes('ActionID: g\r\n'))).toBe('Response: Error\r\nActionID: g\r\nMessage: Permission denied\r\n\r\n');
    expect(await c.waitFor((m) => m.includes('ActionID: c\r\n') && m.startsWith('Event: ContactListComplete'))).toContain('ListItems: 2\r\n');
  });

  it('answers a line longer than its 1024-byte buffer with the parse error and keeps serving the session', async () => {
    const c = await client();
    await c.login('lab', 'labsecret', 'off');
    c.send(`Action: Ping\r\nActionID: long\r\nX-Filler: ${'x'.repeat(5000)}\r\n\r\nAction: Ping\r\nActionID: next\r\n\r\n`);
    expect(await c.waitFor((m) => m.includes('ActionID: long\r\n'))).toBe('Response: Error\r\nActionID: long\r\nMessage: Failed to parse message: line too long\r\n\r\n');
    expect(await c.waitFor((m) => m.includes('ActionID: next\r\n'))).toMatch(/^Response: Success\r\nActionID: next\r\nPing: Pong\r\n/);
  });

  it('answers garbage, lines without a colon and NUL bytes as Asterisk does, without dropping the session', async () => {
    const c = await client();
    await c.login('lab', 'labsecret', 'off');
    c.send('no colon here\r\n\u0000\u0001\u00ff binary\r\n\r\n\r\nAction: Ping\u0000ignored\r\nActionID: nul\r\n\r\nAction: FooBar\r\nActionID: S3-2\r\n\r\n');
    await c.waitFor((m) => m.includes('ActionID: S3-2\r\n'));
    expect(c.messages.slice(-4)).toEqual([
      'Response: Error\r\nMessage: Missing action in request\r\n\r\n',
      'Response: Error\r\nMessage: Missing action in request\r\n\r\n',
      expect.stringMatching(/^Response: Success\r\nActionID: nul\r\nPing: Pong\r\n/),
      'Response: Error\r\nActionID: S3-2\r\nMessage: Invalid/unknown command: FooBar. Use Action: ListCommands to show available commands.\r\n\r\n',
    ]);
  });

  it('drops a session that stops reading while the other sessions keep being answered', async () => {
    const stalled = await client();
    await stalled.login('lab', 'labsecret', 'on');
    stalled.socket.pause();
    const other = await client();
    await other.login('lab', 'labsecret', 'off');
    const bulky = { event: 'ContactStatus', privilege: ['system'], fields: [['URI', `sip:phone1@127.0.0.1:5071;x=${'y'.repeat(900)}`]] as Array<[string, string]> };
    // 30 rounds of 2,000 events of about 1 kB: far more than the socket buffers hold, and
    // less than the 64 MB backlog cap, so only the write timeout can end the stalled session.
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 2000; i++) pbx.emit(bulky);
      other.send(`Action: Ping\r\nActionID: r${round}\r\n\r\n`);
      await other.waitFor((m) => m.includes(`ActionID: r${round}\r\n`), 5000);
    }
    // A paused socket learns of the close only by reading what reached it before.
    stalled.socket.resume();
    await stalled.closed;
    const events = stalled.messages.filter((m) => m.startsWith('Event: ContactStatus')).length;
    expect(events).toBeLessThan(30 * 2000);
  });

  it('closes a connection that does not log in within the auth timeout, and refuses connections beyond the limit of unauthenticated ones', async () => {
    const strict = await startAmiServer({ pbx, port: 0, authTimeoutMs: 1000, authLimit: 2 });
    try {
      const first = await rawClient(strict.port);
      const second = await rawClient(strict.port);
      clients.push(first, second);
      await Promise.all([first.banner, second.banner]);
      const third = await rawClient(strict.port);
      clients.push(third);
      await third.closed;
      expect(third.messages).toEqual([]);
      await second.login('lab', 'labsecret', 'off');
      await first.closed;
      second.send('Action: Ping\r\nActionID: alive\r\n\r\n');
      expect(await second.waitFor((m) => m.includes('ActionID: alive\r\n'))).toMatch(/^Response: Success\r\n/);
    } finally {
      await strict.close();
    }
  });

  it('drops only the session whose action failed inside the PBX, and keeps serving the others', async () => {
    const other = await client();
    await other.login('lab', 'labsecret', 'off');
    const victim = await client();
    await victim.login('lab', 'labsecret', 'off');
    const contacts = pbx.contacts;
    pbx.contacts = () => {
      throw new Error('contact store unavailable');
    };
    victim.send('Action: PJSIPShowContacts\r\nActionID: boom\r\n\r\n');
    await victim.closed;
    pbx.contacts = contacts;
    expect(warnings).toEqual(['Sandbox AMI: session from 127.0.0.1 dropped: contact store unavailable']);
    other.send('Action: PJSIPShowContacts\r\nActionID: fine\r\n\r\n');
    expect(await other.waitFor((m) => m.includes('ActionID: fine\r\n') && m.startsWith('Event: ContactListComplete'))).toContain('ListItems: 2\r\n');
  });

  it('closes the session after Logoff with Goodbye', async () => {
    const c = await client();
    await c.login('lab', 'labsecret', 'off');
    c.send('Action: Logoff\r\nActionID: S1-26\r\n\r\n');
    await c.closed;
    expect(c.messages.at(-1)).toBe('Response: Goodbye\r\nActionID: S1-26\r\nMessage: Thanks for all the fish.\r\n\r\n');
  });
});
