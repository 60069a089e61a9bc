import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AmiConnection, type AmiConnectOptions, type AmiProblem } from '../../../src-main/ami/connection';
import { AmiError, AmiHeaderInjectionError } from '../../../src-main/ami/errors';
import { eventsNotSent, scriptFromTranscript, startReplayServer, type ReplayServer, type ReplayServerOptions } from '../../support/replay-server';
import { readTranscript } from '../../support/transcript';

const a = scriptFromTranscript(readTranscript('a_phone1_two_contacts_queries.txt'), 'S1');
const LAB = { host: '127.0.0.1', username: 'lab', secret: 'labsecret', connectTimeoutMs: 1_000, loginTimeoutMs: 1_000, actionTimeoutMs: 1_000 };

let servers: ReplayServer[] = [];
let connections: AmiConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  connections = [];
});

async function serve(options: Partial<ReplayServerOptions> = {}): Promise<ReplayServer> {
  const server = await startReplayServer({ script: a, ...options });
  servers.push(server);
  return server;
}

async function connect(server: ReplayServer, extra: Partial<AmiConnectOptions> = {}): Promise<AmiConnection> {
  const c = await AmiConnection.connect({ ...LAB, port: server.port, ...extra });
  connections.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<AmiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AmiError);
    return e as AmiError;
  }
  throw new Error('expected a rejection');
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('AmiConnection against replayed Asterisk 22 bytes', () => {
  it('logs in asking for system and security events only, and collects PJSIPShowContacts until ContactListComplete', async () => {
    const server = await serve();
    const c = await connect(server);
    expect(server.received[0]!.toRecord()).toMatchObject({ Action: 'Login', Username: 'lab', Secret: 'labsecret', Events: 'system,security' });
    const list = await c.list({ Action: 'PJSIPShowContacts' });
    expect(list.response.get('EventList')).toBe('start');
    expect(list.items.map((m) => m.get('ObjectName'))).toEqual(['phone1;@0ca336795b4b748e1af6a94a41d43e4d', 'phone1;@4b204cef0eb06b9dca5d88aa373dd704']);
    expect(list.complete?.get('ListItems')).toBe('2');
    // Our own ActionIDs, not the recorded ones.
    expect(list.items[0]!.actionId).toMatch(/^RD-\d+$/);
  });

  it('replays a recording only to a login whose event classes take in every recorded event', async () => {
    // Recorded with Events: on; its events are all system or security class.
    expect(eventsNotSent(a, 'on')).toBeNull();
    expect(eventsNotSent(a, 'system,security')).toBeNull();
    expect(eventsNotSent(a, 'system')).toMatch(/would not receive the recorded (SuccessfulAuth|ChallengeSent) \(Privilege: security,all\)/);
  });

  it('hands list items to onItem as they arrive, keeping none, and still checks ListItems', async () => {
    const server = await serve();
    const c = await connect(server);
    const seen: string[] = [];
    const list = await c.list({ Action: 'PJSIPShowContacts' }, { onItem: (m) => seen.push(m.get('ObjectName')!) });
    expect(seen).toEqual(['phone1;@0ca336795b4b748e1af6a94a41d43e4d', 'phone1;@4b204cef0eb06b9dca5d88aa373dd704']);
    expect(list.items).toEqual([]);
    expect(list.itemCount).toBe(2);
  });

  it('fails the list when onItem throws, and the connection stays usable', async () => {
    const server = await serve();
    const c = await connect(server);
    const e = await failure(c.list({ Action: 'PJSIPShowContacts' }, { onItem: () => { throw new Error('bad item'); } }));
    expect(e).toMatchObject({ code: 'protocol' });
    expect(e.message).toMatch(/bad item/);
    expect((await c.list({ Action: 'PJSIPShowAors' })).itemCount).toBeGreaterThan(0);
  });

  it('emits unsolicited events typed as blocks, list items excluded', async () => {
    const seen: string[] = [];
    const server = await serve();
    const c = await connect(server);
    c.onEvent((m) => seen.push(m.event!));
    await c.list({ Action: 'PJSIPShowContacts' });
    await c.send({ Action: 'Ping' });
    expect(seen).toContain('ContactStatus');
    expect(seen).not.toContain('ContactList');
  });

  it('an event listener that throws is reported and the socket loop goes on', async () => {
    const server = await serve();
    const c = await connect(server);
    const problems: AmiProblem[] = [];
    c.onProblem((p) => problems.push(p));
    c.onEvent(() => {
      throw new Error('listener bug');
    });
    await c.list({ Action: 'PJSIPShowContacts' });
    server.push('Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 0\r\nLastReload: 0\r\nStatus: Fully Booted\r\n\r\n');
    expect((await c.send({ Action: 'Ping' })).get('Ping')).toBe('Pong');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.kind === 'listenerError')).toBe(true);
  });

  it('reads "No Contacts found" as an empty list when asked to', async () => {
    const c2 = scriptFromTranscript(readTranscript('c2_dbdel_qualified_contact.txt'), 'S1');
    const server = await serve({
      script: c2,
      // The recorded empty answer is the second PJSIPShowContacts of c2 (after the DBDel):
      // use up the first one, then let the recording answer.
      handlers: {
        PJSIPShowContacts: (req, conn) => {
          conn.recorded(req);
          return 'recording';
        },
      },
    });
    const c = await connect(server);
    const list = await c.list({ Action: 'PJSIPShowContacts' }, { emptyWhen: 'No Contacts found' });
    expect(list).toMatchObject({ items: [], complete: null });
    expect(list.response.get('Message')).toBe('No Contacts found');
  });

  it('reads a reply trickled one byte at a time', async () => {
    const server = await serve({
      handlers: {
        PJSIPShowContacts: (req, conn) => {
          const bytes = Buffer.concat(conn.recorded(req)!);
          let i = 0;
          const next = (): void => {
            if (i < bytes.length) conn.write(bytes.subarray(i, ++i));
            if (i < bytes.length) setImmediate(next);
          };
          next();
        },
      },
    });
    const c = await connect(server);
    expect((await c.list({ Action: 'PJSIPShowContacts' })).items).toHaveLength(2);
  });
});

describe('AmiConnection failures: a clear typed error within the deadline, the process healthy', () => {
  it('wrong secret: Authentication failed, then Asterisk closes (transcript h)', async () => {
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
    const e = await failure(connect(server, { secret: 'wrongsecret' }));
    expect(e.code).toBe('authFailed');
    expect(e.message).toMatch(/login as "lab" .* refused: Authentication failed/);
  });

  it('nothing listening: connection refused', async () => {
    const e = await failure(AmiConnection.connect({ ...LAB, port: await closedPort() }));
    expect(e.code).toBe('refused');
    expect(e.message).toMatch(/connection refused/);
  });

  it('a host that does not exist: unreachable (or the connect deadline if the resolver hangs)', async () => {
    // .invalid never resolves (RFC 6761).
    const e = await failure(AmiConnection.connect({ ...LAB, host: 'pbx.invalid', port: 5038, connectTimeoutMs: 2_000 }));
    expect(['unreachable', 'timeout']).toContain(e.code);
    expect(e.message).toMatch(/pbx\.invalid:5038/);
  });

  it('a server that accepts and never answers: login timeout', async () => {
    const server = await serve({ onConnect: () => false });
    const e = await failure(connect(server, { loginTimeoutMs: 300 }));
    expect(e.code).toBe('timeout');
    expect(e.message).toMatch(/sent no AMI banner within 300 ms/);
  });

  it('a server that sends the banner and never answers Login: login timeout', async () => {
    const server = await serve({ handlers: { Login: () => undefined } });
    const e = await failure(connect(server, { loginTimeoutMs: 300 }));
    expect(e).toMatchObject({ code: 'timeout', message: expect.stringMatching(/did not answer the AMI Login within 300 ms/) });
  });

  it('an action nobody answers times out and the connection stays usable', async () => {
    let ignored = 0;
    const server = await serve({ handlers: { Ping: () => (ignored++ === 0 ? undefined : 'recording') } });
    const c = await connect(server);
    const e = await failure(c.send({ Action: 'Ping' }, { timeoutMs: 200 }));
    expect(e).toMatchObject({ code: 'timeout', message: expect.stringMatching(/^Ping got no answer from 127\.0\.0\.1:\d+ within 200 ms$/) });
    expect((await c.send({ Action: 'Ping' })).get('Ping')).toBe('Pong');
  });

  it('a connection dropped mid-list rejects the pending list', async () => {
    const server = await serve({
      handlers: {
        PJSIPShowContacts: (req, conn) => {
          const [response, first] = conn.recorded(req)!;
          conn.write(Buffer.concat([response!, first!]));
          setTimeout(() => conn.socket.destroy(), 20);
        },
      },
    });
    const c = await connect(server);
    const closed = new Promise((r) => c.onClose(r));
    const e = await failure(c.list({ Action: 'PJSIPShowContacts' }));
    expect(e.code).toBe('disconnected');
    expect(e.message).toMatch(/closed the AMI connection while waiting for PJSIPShowContacts \(1 list items received\)/);
    expect(await closed).toBeInstanceOf(AmiError);
    expect(c.closed).toBe(true);
    expect((await failure(c.send({ Action: 'Ping' }))).code).toBe('disconnected');
  });

  it('a list whose ListItems disagrees with what arrived is a protocol error', async () => {
    const server = await serve({
      handlers: {
        PJSIPShowContacts: (req, conn) => {
          const [response, first, , complete] = conn.recorded(req)!;
          conn.write(Buffer.concat([response!, first!, complete!]));
        },
      },
    });
    const c = await connect(server);
    const e = await failure(c.list({ Action: 'PJSIPShowContacts' }));
    expect(e).toMatchObject({ code: 'protocol', message: expect.stringMatching(/ListItems: 2 but 1 items arrived/) });
  });

  it('garbage lines are reported as problems and the session goes on', async () => {
    const problems: AmiProblem[] = [];
    const server = await serve({
      handlers: {
        Ping: (req, conn) => {
          conn.write('\x00\xff\x13garbage without colon\r\n\r\n');
          return 'recording';
        },
      },
    });
    const c = await connect(server);
    c.onProblem((p) => problems.push(p));
    expect((await c.send({ Action: 'Ping' })).get('Ping')).toBe('Pong');
    expect(problems).toEqual([{ kind: 'malformedLine', line: expect.stringContaining('garbage without colon') }]);
  });

  it('garbage instead of a banner is a protocol error', async () => {
    const server = await serve({
      onConnect: (conn) => {
        conn.write('HTTP/1.1 400 Bad Request\r\n\r\n');
        return false;
      },
    });
    const e = await failure(connect(server));
    expect(e).toMatchObject({ code: 'protocol', message: expect.stringMatching(/not an AMI server/) });
  });

  it('a 1 MB header line closes the connection with a protocol error, memory bounded', async () => {
    const server = await serve({
      handlers: { Ping: (req, conn) => conn.write(`Response: Success\r\nActionID: ${req.actionId}\r\nPing: ${'P'.repeat(1024 * 1024)}\r\n\r\n`) },
    });
    const c = await connect(server);
    const e = await failure(c.send({ Action: 'Ping' }));
    expect(e).toMatchObject({ code: 'protocol', message: expect.stringMatching(/longer than 65536 bytes/) });
    expect(c.closed).toBe(true);
  });

  it('CR/LF in a contact id is refused before anything is sent', async () => {
    const server = await serve();
    const c = await connect(server);
    const before = server.received.length;
    await expect(c.send({ Action: 'DBDel', Family: 'registrar/contact', Key: 'phone1;@abc\r\nAction: DBDelTree' })).rejects.toBeInstanceOf(AmiHeaderInjectionError);
    expect((await c.send({ Action: 'Ping' })).get('Ping')).toBe('Pong');
    expect(server.received.slice(before).map((m) => m.get('Action'))).toEqual(['Ping']);
  });
});
