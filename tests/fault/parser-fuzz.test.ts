// Parser fuzzing (issue 5): over a million inputs built from the recorded Asterisk 22
// transcripts, fed straight to the AMI reader (no sockets, so it is fast): every recorded chunk
// split at every byte boundary and at random triples of boundaries, CRLF turned into LF, bare
// CR or doubled CR, huge fields, missing terminators, list items of two lists interleaved, and
// seeded random mutations (flips, insertions of NUL/CR/LF/0xFF/split UTF-8, deletions, cuts).
// Oracles: never a throw; splits and LF-only variants read exactly as the original; nothing is
// emitted after a protocol error; an endless line ends in one protocol error with memory flat.
import { describe, expect, it } from 'vitest';
import { AmiReader, DEFAULT_READER_LIMITS, type ReaderOutput } from '../../src-main/ami/reader';
import { readTranscript, TRANSCRIPTS, type TranscriptChunk } from '../support/transcript';
import { prng } from '../support/prng';

interface Fed {
  outputs: ReaderOutput[];
}

/** One input: a fresh reader fed `chunks`. Checks the invariants every input must keep. */
function feed(chunks: Buffer[], expectBanner: boolean): Fed {
  const reader = new AmiReader({}, { expectBanner });
  const outputs: ReaderOutput[] = [];
  for (const c of chunks) reader.feed(c, (o) => outputs.push(o));
  const failedAt = outputs.findIndex((o) => o.kind === 'protocolError');
  if (failedAt !== -1 && failedAt !== outputs.length - 1) throw new Error('the reader emitted something after its protocol error');
  return { outputs };
}

/** Outputs as comparable text (cheap enough for a million comparisons). */
function signature(f: Fed): string {
  let s = '';
  for (const o of f.outputs) {
    if (o.kind === 'message') {
      for (let i = 0; i < o.message.keys.length; i++) s += `${o.message.keys[i]}\u0001${o.message.values[i]}\u0002`;
      s += '\u0003';
    } else s += `${o.kind}:${o.kind === 'banner' ? o.text : o.kind === 'malformed' ? o.line : o.error.message}\u0003`;
  }
  return s;
}

const recorded: TranscriptChunk[] = TRANSCRIPTS.flatMap((name) => readTranscript(name).chunks.filter((c) => c.direction === 'recv'));
const CRLF = /\r\n/g;

describe('the AMI reader under a million generated and mutated inputs', () => {
  let inputs = 0;
  const run = (chunks: Buffer[], banner: boolean): Fed => {
    inputs++;
    return feed(chunks, banner);
  };

  it('reads every recorded chunk the same when it is split at any byte boundary', () => {
    for (const c of recorded) {
      const whole = signature(run([c.bytes], c.banner));
      for (let i = 1; i < c.bytes.length; i++) {
        const split = signature(run([c.bytes.subarray(0, i), c.bytes.subarray(i)], c.banner));
        if (split !== whole) throw new Error(`chunk of ${c.session} at ${c.time} reads differently split at byte ${i}`);
      }
    }
    expect(inputs).toBeGreaterThan(180_000);
  });

  it('reads every recorded chunk the same split in three at random boundaries, and with LF instead of CRLF', () => {
    const random = prng(1);
    for (const c of recorded) {
      const whole = signature(run([c.bytes], c.banner));
      const lfOnly = Buffer.from(c.bytes.toString('latin1').replace(CRLF, '\n'), 'latin1');
      for (let n = 0; n < c.bytes.length; n++) {
        const a = Math.floor(random() * c.bytes.length);
        const b = a + Math.floor(random() * (c.bytes.length - a));
        if (signature(run([c.bytes.subarray(0, a), c.bytes.subarray(a, b), c.bytes.subarray(b)], c.banner)) !== whole) throw new Error(`3-way split ${a}/${b} reads differently`);
        const cut = Math.floor(random() * lfOnly.length);
        if (signature(run([lfOnly.subarray(0, cut), lfOnly.subarray(cut)], c.banner)) !== whole) throw new Error('the LF-only variant reads differently');
      }
    }
    expect(inputs).toBeGreaterThan(550_000);
  });

  it('survives bare CR, doubled CR, missing terminators, huge fields and interleaved lists', () => {
    const random = prng(2);
    const events = recorded.filter((c) => !c.banner);
    for (let n = 0; n < 60_000; n++) {
      const c = events[Math.floor(random() * events.length)]!;
      const text = c.bytes.toString('latin1');
      // Bare CR: no line ever ends; the reader must give up at its line limit, not buffer forever.
      run([Buffer.from(text.replace(CRLF, '\r'), 'latin1')], false);
      run([Buffer.from(text.replace(CRLF, '\r\r\n'), 'latin1')], false);
      // Missing terminator: the block runs into the next one.
      run([Buffer.from(text.replace(/\r\n\r\n$/, '\r\n'), 'latin1'), events[(n + 1) % events.length]!.bytes], false);
    }
    for (const size of [1024, 60 * 1024, DEFAULT_READER_LIMITS.maxLineBytes + 1, 1024 * 1024]) {
      const huge = Buffer.from(`Event: ContactStatus\r\nURI: sip:${'x'.repeat(size)}@127.0.0.1\r\n\r\n`);
      const out = run([huge.subarray(0, 7), huge.subarray(7)], false).outputs;
      expect(out.at(-1)?.kind).toBe(size > DEFAULT_READER_LIMITS.maxLineBytes ? 'protocolError' : 'message');
    }
    // Two lists' items interleaved with live events, as Asterisk writes them when two actions overlap.
    const items = events.filter((c) => /^Event: (ContactList|AorList|EndpointList)\r\n/.test(c.bytes.toString('latin1', 0, 24)));
    const live = events.filter((c) => c.bytes.toString('latin1').startsWith('Event: ContactStatus'));
    expect(items.length).toBeGreaterThan(10);
    expect(live.length).toBeGreaterThan(10);
    const pick = (): TranscriptChunk => {
      const pool = random() < 0.7 ? items : live;
      return pool[Math.floor(random() * pool.length)]!;
    };
    for (let n = 0; n < 20_000; n++) {
      const picked = Array.from({ length: 8 }, pick);
      const stream = Buffer.concat(picked.map((c) => c.bytes));
      const out = run([stream.subarray(0, n % stream.length), stream.subarray(n % stream.length)], false).outputs;
      expect(out.filter((o) => o.kind === 'message')).toHaveLength(picked.length);
    }
  });

  it('survives seeded random mutations of recorded chunks without a throw', () => {
    const random = prng(3);
    const inserts = [Buffer.from([0]), Buffer.from('\r'), Buffer.from('\n'), Buffer.from([0xff]), Buffer.from([0xe3, 0x81]), Buffer.from(': '), Buffer.from('\r\n\r\n')];
    const before = inputs;
    while (inputs - before < 300_000) {
      const c = recorded[Math.floor(random() * recorded.length)]!;
      const bytes = Buffer.from(c.bytes);
      const at = Math.floor(random() * bytes.length);
      let mutated: Buffer;
      switch (Math.floor(random() * 4)) {
        case 0:
          bytes[at] = Math.floor(random() * 256);
          mutated = bytes;
          break;
        case 1:
          mutated = Buffer.concat([bytes.subarray(0, at), inserts[Math.floor(random() * inserts.length)]!, bytes.subarray(at)]);
          break;
        case 2:
          mutated = Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + Math.floor(random() * 40)))]);
          break;
        default:
          mutated = bytes.subarray(0, at);
      }
      const cut = Math.floor(random() * (mutated.length + 1));
      run([mutated.subarray(0, cut), mutated.subarray(cut)], c.banner && random() < 0.5);
    }
    expect(inputs).toBeGreaterThanOrEqual(1_000_000);
  });

  it('ends an endless line with one protocol error and keeps memory flat while it keeps coming', () => {
    const reader = new AmiReader();
    const outputs: ReaderOutput[] = [];
    reader.feed(Buffer.from('Asterisk Call Manager/11.0.0\r\nEvent: X\r\nKey: '), (o) => outputs.push(o));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 2_000; i++) reader.feed(chunk, (o) => outputs.push(o)); // 128 MB of one line
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(outputs.map((o) => o.kind)).toEqual(['banner', 'protocolError']);
    expect(grown).toBeLessThan(32 * 1024 * 1024);
  });
});
