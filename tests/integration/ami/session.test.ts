import { afterEach, describe, expect, it } from 'vitest';
import type { StateChange } from '../../../src-main/core/registrar-state';
import { PbxSession, type PbxSessionOptions, type SessionState } from '../../../src-main/ami/session';
import { exchangesOf, scriptFromTranscript, startReplayServer, type ReplayServer, type ReplayServerOptions } from '../../support/replay-server';
import { recordedContactValues, scriptedAstDb } from '../../support/scripted-astdb';
import { readTranscript } from '../../support/transcript';

const A = readTranscript('a_phone1_two_contacts_queries.txt');
const a = scriptFromTranscript(A, 'S1');
const LAB = { host: '127.0.0.1', username: 'lab', secret: 'labsecret', connectTimeoutMs: 1_000, loginTimeoutMs: 1_000, actionTimeoutMs: 2_000 };

let servers: ReplayServer[] = [];
let sessions: PbxSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  sessions = [];
});

async function serve(options: ReplayServerOptions): Promise<ReplayServer> {
  const server = await startReplayServer(options);
  servers.push(server);
  return server;
}

function start(server: ReplayServer, extra: Partial<PbxSessionOptions> = {}): PbxSession {
  const session = PbxSession.start({ ...LAB, port: server.port, backoff: { initialMs: 20, maxMs: 200 }, ...extra });
  sessions.push(session);
  return session;
}

function collect(session: PbxSession): StateChange[] {
  const all: StateChange[] = [];
  session.onChange((batch) => all.push(...batch));
  return all;
}

/** Wait until `done()` holds, checking after each change batch; bounded. */
function until(session: PbxSession, done: () => boolean, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (done()) return resolve();
    const timer = setTimeout(() => reject(new Error('condition not reached in time')), timeoutMs);
    const off = session.onChange(() => {
      if (!done()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

describe('PbxSession full sync against replayed sessions', () => {
  it('transcript a: phone1 has exactly the two recorded contacts', async () => {
    const db = scriptedAstDb(recordedContactValues(A, 'S1'));
    const server = await serve({ script: a, handlers: db.handlers });
    const session = start(server);
    const problems: unknown[] = [];
    session.onProblem((p) => problems.push(p));
    await session.whenLive(3_000);
    // The ContactStatus events recorded after login are completed with DBGet, without a problem.
    await session.dialString('phone1');
    expect(problems).toEqual([]);
    expect(server.received.filter((m) => m.get('Action') === 'DBGet').map((m) => m.get('Key')).sort()).toEqual([
      'phone1;@0ca336795b4b748e1af6a94a41d43e4d',
      'phone1;@4b204cef0eb06b9dca5d88aa373dd704',
    ]);
    const state = session.state()!;
    const contacts = state.contactsOfAor('phone1').sort((x, y) => x.viaPort - y.viaPort);
    expect(contacts.map((c) => [c.id, c.uri, c.viaAddr, c.viaPort, c.expirationTime, c.userAgent, c.callId])).toEqual([
      ['phone1;@0ca336795b4b748e1af6a94a41d43e4d', 'sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35', '127.0.0.1', 5071, 1795676428, 'Grandstream GXP2170 1.0.11.3', '2c5828aee91576cafbbdd2da@127.0.0.1'],
      ['phone1;@4b204cef0eb06b9dca5d88aa373dd704', 'sip:phone1@127.0.0.1:5072;rinstance=1ba27d1fc1b36695', '127.0.0.1', 5072, 1795676428, 'Grandstream GXP2170 1.0.11.3', 'abd35abfb19619d26c3848a0@127.0.0.1'],
    ]);
    expect(state.aor('phone1')).toMatchObject({ maxContacts: 2, removeExisting: false });
    expect(state.endpoint('phone1')).toEqual({ name: 'phone1', auths: ['phone1'], aors: ['phone1'], deviceState: 'Not in use' });
    expect(state.snapshot().contacts).toHaveLength(2);
    expect(session.status()).toMatchObject({ state: 'live', error: null });
  });

  it('asks Asterisk for PJSIP_DIAL_CONTACTS(phone1) with Getvar and no Channel', async () => {
    const server = await serve({ script: a, handlers: scriptedAstDb(recordedContactValues(A, 'S1')).handlers });
    const session = start(server);
    await session.whenLive(3_000);
    expect(await session.dialString('phone1')).toBe(
      'PJSIP/phone1/sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35&PJSIP/phone1/sip:phone1@127.0.0.1:5072;rinstance=1ba27d1fc1b36695',
    );
    const getvar = server.received.find((m) => m.get('Action') === 'Getvar')!;
    expect(getvar.get('Channel')).toBeUndefined();
    await expect(session.dialString('phone1,phone2')).rejects.toMatchObject({ code: 'invalidArgument' });
  });

  it('applies an event that arrives during the sync after the snapshot, not before and not never', async () => {
    const unreachable =
      'Event: ContactStatus\r\nPrivilege: system,all\r\nURI: sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35\r\nContactStatus: Unreachable\r\nAOR: phone1\r\nEndpointName: phone1\r\nRoundtripUsec: 0\r\n\r\n';
    const server = await serve({
      script: a,
      handlers: {
        ...scriptedAstDb(recordedContactValues(A, 'S1')).handlers,
        // Pushed between the endpoint list and the contact list, whose recorded Status is NonQualified.
        PJSIPShowAors: (_req, conn) => {
          conn.write(unreachable);
          return 'recording';
        },
      },
    });
    const session = start(server);
    await session.whenLive(3_000);
    expect(session.state()!.contact('phone1;@0ca336795b4b748e1af6a94a41d43e4d')!.status).toBe('Unreachable');
    expect(session.state()!.contact('phone1;@4b204cef0eb06b9dca5d88aa373dd704')!.status).toBe('NonQualified');
  });

  it('reads an announced contact once per burst of events, plus once more after it', async () => {
    const db = scriptedAstDb(recordedContactValues(A, 'S1'));
    let delayed = 0;
    const server = await serve({
      script: a,
      handlers: {
        ...db.handlers,
        // Slow AstDB reads, so that the burst below arrives while the first read is in flight.
        DBGet: (req, conn) => {
          delayed++;
          setTimeout(() => db.handlers.DBGet!(req, conn), 50);
        },
      },
    });
    const session = start(server);
    await session.whenLive(3_000);
    await session.dialString('phone1'); // answered after the login-time reads were sent
    await new Promise((r) => setTimeout(r, 120));
    const before = delayed;
    const registered =
      'Event: ContactStatus\r\nPrivilege: system,all\r\nURI: sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35\r\nContactStatus: NonQualified\r\nAOR: phone1\r\nEndpointName: phone1\r\nRoundtripUsec: 0\r\n\r\n';
    server.push(registered.repeat(3));
    for (let waited = 0; delayed - before < 2 && waited < 2_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200)); // room for a third read, which must not come
    expect(delayed - before).toBe(2);
    expect(session.state()!.contact('phone1;@0ca336795b4b748e1af6a94a41d43e4d')).toMatchObject({ status: 'NonQualified', viaPort: 5071 });
  });

  it('transcript b: a FailedACL becomes a refusal of phone1 from 127.0.0.1:5073 at limit 2', async () => {
    const B = readTranscript('b_phone1_third_contact_max_contacts.txt');
    const b = scriptFromTranscript(B, 'S1');
    // b's session recorded only PJSIPShowContacts; endpoints and AORs are the same lab's, from a.
    const server = await serve({ script: { ...b, exchanges: [...b.exchanges, ...exchangesOf(a, ['PJSIPShowEndpoints', 'PJSIPShowAors'])] } });
    const session = start(server);
    const changes = collect(session);
    await session.whenLive(3_000);
    await until(session, () => changes.some((c) => c.kind === 'refused'));
    const refused = changes.filter((c) => c.kind === 'refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.refusal).toMatchObject({
      endpoint: 'phone1',
      source: { family: 'IPV4', transport: 'UDP', addr: '127.0.0.1', port: 5073 },
      callId: 'd6590ceee04377cb8a709f1d@127.0.0.1',
      maxContacts: 2,
    });
    expect(session.state()!.contactsOfAor('phone1')).toHaveLength(2);
  });
});

describe('PbxSession connection life', () => {
  it('goes stale when the server drops the connection, reconnects with backoff and resyncs', async () => {
    const server = await serve({ script: a, handlers: scriptedAstDb(recordedContactValues(A, 'S1')).handlers });
    const session = start(server);
    const states: SessionState[] = [];
    session.onStatus((s) => states.push(s.state));
    await session.whenLive(3_000);
    server.dropAll();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not live again: ${states.join(' > ')}`)), 3_000);
      session.onStatus(() => {
        if (states.includes('stale') && states.at(-1) === 'live') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(states).toContain('stale');
    expect(states.at(-1)).toBe('live');
    expect(server.received.filter((m) => m.get('Action') === 'Login')).toHaveLength(2);
    expect(server.received.filter((m) => m.get('Action') === 'PJSIPShowContacts')).toHaveLength(2);
    expect(session.state()!.contactsOfAor('phone1')).toHaveLength(2);
  });

  it('a wrong secret fails the session without a reconnect loop', async () => {
    const h = scriptFromTranscript(readTranscript('h_login_failures_unknown_action.txt'), 'S1');
    const server = await serve({
      script: h,
      handlers: {
        Login: (req, conn) => {
          conn.replay(req);
          conn.socket.end();
        },
      },
    });
    const session = start(server, { secret: 'wrongsecret' });
    await expect(session.whenLive(3_000)).rejects.toMatchObject({ code: 'authFailed' });
    expect(session.status().state).toBe('failed');
    await new Promise((r) => setTimeout(r, 300)); // several backoff periods (initial 20 ms)
    expect(server.received.filter((m) => m.get('Action') === 'Login')).toHaveLength(1);
  });

  it('keeps retrying while nothing listens, and says why', async () => {
    const server = await serve({ script: a });
    const port = server.port;
    await server.close();
    servers = [];
    const session = start(server, { port });
    const errors: string[] = [];
    session.onStatus((s) => s.error && errors.push(s.error.code));
    await expect(session.whenLive(300)).rejects.toMatchObject({ code: 'timeout', message: expect.stringMatching(/connection refused/) });
    expect(session.status().state).toBe('connecting');
    expect(errors[0]).toBe('refused');
  });
});
