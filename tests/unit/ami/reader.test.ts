import { describe, expect, it } from 'vitest';
import { AmiReader, type ReaderOutput } from '../../../src-main/ami/reader';
import { readTranscript, sessionBytes, TRANSCRIPTS } from '../../support/transcript';

function readAll(chunks: Buffer[], reader = new AmiReader()): ReaderOutput[] {
  const out: ReaderOutput[] = [];
  for (const c of chunks) reader.feed(c, (o) => out.push(o));
  return out;
}

function plain(outputs: ReaderOutput[]): unknown[] {
  return outputs.map((o) => (o.kind === 'message' ? { keys: o.message.keys, values: o.message.values } : o));
}

const sessionsOf = (name: string) => [...new Set(readTranscript(name).chunks.filter((c) => c.banner).map((c) => c.session))];

describe('AmiReader on recorded Asterisk 22 sessions', () => {
  for (const name of TRANSCRIPTS) {
    it(`reads ${name} the same whether fed whole or split at every byte boundary`, () => {
      const t = readTranscript(name);
      for (const session of sessionsOf(name)) {
        const bytes = sessionBytes(t, session, 'recv');
        const whole = plain(readAll([bytes]));
        expect(whole.length).toBeGreaterThan(1);
        expect(whole.some((o) => (o as { kind?: string }).kind === 'malformed' || (o as { kind?: string }).kind === 'protocolError')).toBe(false);
        // Every boundary: the whole stream split in two at i, for each i (the "chunky" test).
        for (let i = 1; i < bytes.length; i += Math.max(1, Math.floor(bytes.length / 2000))) {
          expect(plain(readAll([bytes.subarray(0, i), bytes.subarray(i)]))).toEqual(whole);
        }
        // And one byte at a time.
        const bytewise = [...bytes].map((b) => Buffer.from([b]));
        expect(plain(readAll(bytewise))).toEqual(whole);
      }
    });
  }

  it('keeps nothing of a chunk after feed returns: chunks read into one reused buffer give the same blocks', () => {
    const bytes = sessionBytes(readTranscript('a_phone1_two_contacts_queries.txt'), 'S1', 'recv');
    const whole = plain(readAll([bytes]));
    const reused = Buffer.alloc(97); // an odd size, so chunks cut lines and blocks everywhere
    const reader = new AmiReader();
    const out: ReaderOutput[] = [];
    for (let at = 0; at < bytes.length; at += reused.length) {
      const length = bytes.copy(reused, 0, at, at + reused.length);
      reader.feed(reused.subarray(0, length), (o) => out.push(o));
      reused.fill(0x58); // what the socket would write next
    }
    expect(plain(out)).toEqual(whole);
  });

  it('gives one block per recorded chunk of transcript a, banner first', () => {
    const t = readTranscript('a_phone1_two_contacts_queries.txt');
    const recv = t.chunks.filter((c) => c.session === 'S1' && c.direction === 'recv');
    const out = readAll([sessionBytes(t, 'S1', 'recv')]);
    expect(out[0]).toEqual({ kind: 'banner', text: 'Asterisk Call Manager/11.0.0' });
    expect(out.filter((o) => o.kind === 'message')).toHaveLength(recv.length - 1);
  });

  it('keeps duplicate Output keys in order and the original key case', () => {
    const t = readTranscript('a_phone1_two_contacts_queries.txt');
    const messages = readAll([sessionBytes(t, 'S1', 'recv')]).flatMap((o) => (o.kind === 'message' ? [o.message] : []));
    const dbShow = messages.find((m) => m.actionId === 'S1-8')!;
    expect(dbShow.keys.slice(0, 3)).toEqual(['Response', 'ActionID', 'Message']);
    const output = dbShow.getAll('Output');
    expect(output).toHaveLength(3);
    expect(output[0]).toMatch(/^\/registrar\/contact\/phone1;@0ca336795b4b748e1af6a94a41d43e4d: \{"via_addr"/);
    expect(output[2]).toBe('2 results found.');
  });
});

describe('AmiReader edge cases', () => {
  const banner = Buffer.from('Asterisk Call Manager/11.0.0\r\n');

  it('reads the bare LF Asterisk puts before the closing CRLF CRLF of some errors as one block', () => {
    const bytes = Buffer.from('Response: Error\r\nActionID: S1-5\r\nMessage: No Contacts found\n\r\n\r\nEvent: Ping\r\n\r\n');
    const out = readAll([banner, bytes]);
    expect(out.map((o) => o.kind)).toEqual(['banner', 'message', 'message']);
    const m = (out[1] as { message: { toRecord(): unknown } }).message;
    expect(m.toRecord()).toEqual({ Response: 'Error', ActionID: 'S1-5', Message: 'No Contacts found' });
  });

  it('reads LF-only peers', () => {
    const out = readAll([Buffer.from('Asterisk Call Manager/2.10.4\nResponse: Success\nActionID: 1\nMessage: Authentication accepted\n\n')]);
    expect(out.map((o) => o.kind)).toEqual(['banner', 'message']);
  });

  it('tolerates the pre-Asterisk-14 Response: Follows form of Command', () => {
    const bytes = Buffer.from(
      'Response: Follows\r\nPrivilege: Command\r\nActionID: 7\r\n/registrar/contact/phone1;@ab: {"uri":"sip:x"}\n\nUptime: 5\n1 results found.\n--END COMMAND--\r\n\r\n' +
        'Response: Follows\r\nActionID: 8\r\nno newline at the end--END COMMAND--\r\n\r\n',
    );
    const out = readAll([banner, bytes]);
    expect(out.map((o) => o.kind)).toEqual(['banner', 'message', 'message']);
    const [first, second] = out.slice(1).map((o) => (o as { message: import('../../../src-main/ami/messages').AmiMessage }).message);
    expect(first!.actionId).toBe('7');
    // Output keeps its empty line and its colons; no header is read once output has started.
    expect(first!.getAll('Output')).toEqual(['/registrar/contact/phone1;@ab: {"uri":"sip:x"}', '', 'Uptime: 5', '1 results found.']);
    expect(second!.getAll('Output')).toEqual(['no newline at the end']);
  });

  it('reports a line without a colon as malformed and goes on', () => {
    const out = readAll([banner, Buffer.from('\x00\x01garbage line\r\nResponse: Success\r\nActionID: 1\r\n\r\n')]);
    expect(out.map((o) => o.kind)).toEqual(['banner', 'malformed', 'message']);
  });

  it('refuses a peer whose first line is not the AMI banner', () => {
    const out = readAll([Buffer.from('SSH-2.0-OpenSSH_9.2\r\n')]);
    expect(out).toHaveLength(1);
    expect(out[0]!.kind).toBe('protocolError');
  });

  it('stops with a protocol error on a 1 MB header line, holding no more than the line limit', () => {
    const reader = new AmiReader();
    const out: ReaderOutput[] = [];
    reader.feed(banner, (o) => out.push(o));
    const piece = Buffer.alloc(16 * 1024, 0x61);
    reader.feed(Buffer.from('Response: '), (o) => out.push(o));
    for (let i = 0; i < 64; i++) reader.feed(piece, (o) => out.push(o));
    const errors = out.filter((o) => o.kind === 'protocolError');
    expect(errors).toHaveLength(1);
    expect((errors[0] as { error: Error }).error.message).toMatch(/longer than 65536 bytes/);
    // After the error the reader ignores input instead of buffering it.
    reader.feed(Buffer.from('\r\n\r\n'), (o) => out.push(o));
    expect(out.filter((o) => o.kind === 'message')).toHaveLength(0);
  });

  it('gives blocks of one shape a single keys array, and a block of another shape keys of its own', () => {
    const bytes = Buffer.from(
      'Event: ContactList\r\nObjectName: a;@1\r\nViaPort: 5060\r\n\r\n' +
        'Event: ContactList\r\nObjectName: b;@2\r\nViaPort: 5062\r\n\r\n' +
        // Same length, other text, at every place: nothing may be taken from the block before.
        'Event: ContactLisX\r\nObjectNamf: c;@3\r\nViaPorT: 5064\r\n\r\n' +
        'Event: ContactList\r\nObjectName: d;@4\r\n\r\n' +
        'Event: ContactList\r\nObjectName: e;@5\r\nViaPort: 5066\r\nExtra: x\r\n\r\n',
    );
    const messages = readAll([banner, bytes]).flatMap((o) => (o.kind === 'message' ? [o.message] : []));
    expect(messages.map((m) => m.toRecord())).toEqual([
      { Event: 'ContactList', ObjectName: 'a;@1', ViaPort: '5060' },
      { Event: 'ContactList', ObjectName: 'b;@2', ViaPort: '5062' },
      { Event: 'ContactLisX', ObjectNamf: 'c;@3', ViaPorT: '5064' },
      { Event: 'ContactList', ObjectName: 'd;@4' },
      { Event: 'ContactList', ObjectName: 'e;@5', ViaPort: '5066', Extra: 'x' },
    ]);
    const [a, b, c, d, e] = messages;
    expect(b!.keys).toBe(a!.keys);
    expect(c!.keys).not.toBe(b!.keys);
    expect(c!.keys).toEqual(['Event', 'ObjectNamf', 'ViaPorT']);
    expect(d!.keys).not.toBe(a!.keys);
    expect(e!.keys).not.toBe(d!.keys);
    // Field lookups stay right (and case-insensitive) across the shared and the own arrays.
    expect(messages.map((m) => m.get('viaport'))).toEqual(['5060', '5062', '5064', undefined, '5066']);
    expect(messages.map((m) => m.get('ObjectName'))).toEqual(['a;@1', 'b;@2', undefined, 'd;@4', 'e;@5']);
  });

  it('stops with a protocol error when a complete line is over the limit', () => {
    const out = readAll([banner, Buffer.from(`Value: ${'x'.repeat(200)}\r\n\r\n`)], new AmiReader({ maxLineBytes: 100 }));
    expect(out.map((o) => o.kind)).toEqual(['banner', 'protocolError']);
  });
});
