// Bytes in, AMI blocks out, fed chunk by chunk (the shape of pg-protocol's parser): complete
// lines are decoded once per chunk and split with indexOf, no regex per line; the incomplete
// tail waits for the next chunk. Lines end at LF (a CR before it is dropped), which covers
// CRLF peers, LF-only peers and the bare LF Asterisk puts before the final CRLF CRLF of some
// errors (`Message: No Contacts found\n\r\n\r\n`): the extra empty line is simply ignored.
import { AmiError } from './errors';
import { AmiMessage } from './messages';
import { ownText } from './own-text';

export type ReaderOutput =
  | { kind: 'banner'; text: string }
  | { kind: 'message'; message: AmiMessage }
  /** A line that is not `Key: Value` (garbage, or a peer that is not AMI). Reported, skipped. */
  | { kind: 'malformed'; line: string }
  /** Fatal: the reader stops; the connection must be closed. */
  | { kind: 'protocolError'; error: AmiError };

export interface ReaderLimits {
  /** Longest accepted line in bytes. Asterisk's own lines stay far below (Getvar values are cut at 1024). */
  maxLineBytes: number;
  /** Largest accepted block in bytes (a Command answer carries all its Output lines in one block). */
  maxMessageBytes: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = { maxLineBytes: 64 * 1024, maxMessageBytes: 4 * 1024 * 1024 };

const LF = 0x0a;
/** Fields a block may have for the reader to keep its arrays after it: list items and events
 *  stay far below (a ContactList has 21); after a longer block (an EndpointDetail has 144, a
 *  Command one per output line) they are dropped. */
const KEEP_FIELD_ARRAYS_UP_TO = 64;
const BANNER_PREFIX = 'Asterisk Call Manager/';
/** Pre-Asterisk-14 `Command` answers end their raw output with this line. */
const END_COMMAND = '--END COMMAND--';

export class AmiReader {
  private tail: Buffer | null = null;
  /** The block being read: its first `fieldCount` entries (reused from block to block). */
  private keys: string[] = [];
  private values: string[] = [];
  private fieldCount = 0;
  /** The previous block's keys. Blocks of one kind repeat their keys in the same order (every
   *  item of a list), so a key equal to the one at the same place is taken from here instead of
   *  being cut from the text, and a block whose keys all match shares this very array. */
  private lastKeys: readonly string[] = [];
  private keysDiffer = false;
  private messageBytes = 0;
  /** See colonFrom: a position in the text being read. */
  private nextColon = -1;
  private sawBanner = false;
  /** Inside an old-style `Response: Follows` block, until its `--END COMMAND--`. */
  private followsOpen = false;
  /** Its raw output has started: no more headers. */
  private inFollowsOutput = false;
  private failed = false;
  private readonly limits: ReaderLimits;

  /** `expectBanner: false` reads a stream that starts with blocks (what a client sends to a server). */
  constructor(limits: Partial<ReaderLimits> = {}, options: { expectBanner?: boolean } = {}) {
    this.limits = { ...DEFAULT_READER_LIMITS, ...limits };
    this.sawBanner = options.expectBanner === false;
  }

  /** Read `chunk`; nothing of it is kept after the call returns, so its memory may be reused. */
  feed(chunk: Buffer, emit: (output: ReaderOutput) => void): void {
    if (this.failed) return;
    let from = 0;
    if (this.tail) {
      // Only the line the previous chunk cut is joined; the rest of the chunk is decoded where
      // it lies (copying every 64 KB chunk behind a few tail bytes was a tenth of a sync).
      const firstLf = chunk.indexOf(LF);
      if (firstLf === -1) {
        this.tail = Buffer.concat([this.tail, chunk]);
        return this.checkTail(emit);
      }
      const joined = Buffer.concat([this.tail, chunk.subarray(0, firstLf + 1)]);
      this.tail = null;
      this.lines(joined.toString('utf8'), emit);
      if (this.failed) return;
      from = firstLf + 1;
    }
    const lastLf = chunk.lastIndexOf(LF);
    // LF never occurs inside a UTF-8 multibyte sequence, so cutting after it is safe.
    if (lastLf >= from) this.lines(chunk.toString('utf8', from, lastLf + 1), emit);
    if (this.failed) return;
    const rest = Math.max(from, lastLf + 1);
    // A copy: the caller may read the next chunk into the same memory (a socket's onread buffer).
    this.tail = rest < chunk.length ? Buffer.from(chunk.subarray(rest)) : null;
    this.checkTail(emit);
  }

  /** Every line of `text`, which ends with LF. */
  private lines(text: string, emit: (output: ReaderOutput) => void): void {
    let pos = 0;
    this.nextColon = -1;
    while (pos < text.length) {
      const eol = text.indexOf('\n', pos);
      const end = eol > pos && text.charCodeAt(eol - 1) === 0x0d ? eol - 1 : eol;
      if (end - pos > this.limits.maxLineBytes) return this.fail(emit, `a line of ${end - pos} bytes exceeds the ${this.limits.maxLineBytes}-byte limit`);
      this.line(text, pos, end, emit);
      if (this.failed) return;
      pos = eol + 1;
    }
  }

  private checkTail(emit: (output: ReaderOutput) => void): void {
    if (this.tail && this.tail.length > this.limits.maxLineBytes) {
      this.fail(emit, `a line longer than ${this.limits.maxLineBytes} bytes without an end (no LF)`);
    }
  }

  private fail(emit: (output: ReaderOutput) => void, why: string): void {
    this.failed = true;
    this.tail = null;
    this.keys = [];
    this.values = [];
    this.fieldCount = 0;
    this.followsOpen = false;
    emit({ kind: 'protocolError', error: new AmiError('protocol', `AMI protocol error: ${why}`) });
  }

  /** The line `text[start, end)`: headers are cut straight out of the chunk's text. */
  private line(text: string, start: number, end: number, emit: (output: ReaderOutput) => void): void {
    if (this.followsOpen) return this.followsLine(text.slice(start, end), emit);
    if (start === end) {
      if (this.fieldCount > 0) this.flush(emit);
      return;
    }
    if (!this.sawBanner && this.fieldCount === 0) {
      this.sawBanner = true;
      const line = text.slice(start, end);
      if (line.startsWith(BANNER_PREFIX)) return emit({ kind: 'banner', text: line });
      return this.fail(emit, `not an AMI server: the first line is ${JSON.stringify(line.slice(0, 80))}, not "${BANNER_PREFIX}..."`);
    }
    if (!this.count(end - start, emit)) return;
    const colon = this.colonFrom(text, start);
    if (colon <= start || colon >= end) return emit({ kind: 'malformed', line: text.slice(start, end) });
    // `Key: Value`; Asterisk always puts one space after the colon, tolerate none.
    const valueStart = colon + 1 < end && text.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
    this.push(this.keyOf(text, start, colon), text.slice(valueStart, end));
    if (this.fieldCount === 1 && this.keys[0] === 'Response' && this.values[0] === 'Follows') this.followsOpen = true;
  }

  /** The key `text[start, colon)`: the previous block's key at this place when it is the same. */
  private keyOf(text: string, start: number, colon: number): string {
    const known = this.lastKeys[this.fieldCount];
    if (known !== undefined && known.length === colon - start && text.startsWith(known, start)) return known;
    // Owned: a key may be kept for as long as the connection reads (as lastKeys).
    return ownText(text.slice(start, colon));
  }

  /** The first colon at or after `start` in `text` (text.length if none). Remembered, so that
   *  lines without a colon (garbage) do not each scan the rest of the chunk again. */
  private colonFrom(text: string, start: number): number {
    if (this.nextColon < start) {
      const at = text.indexOf(':', start);
      this.nextColon = at === -1 ? text.length : at;
    }
    return this.nextColon;
  }

  /** Old `Response: Follows` blocks: a few headers, then raw CLI output (which may hold empty
   *  lines and colons) up to `--END COMMAND--`, possibly glued to the last output line. */
  private followsLine(line: string, emit: (output: ReaderOutput) => void): void {
    if (!this.count(line.length, emit)) return;
    if (line.endsWith(END_COMMAND)) {
      const rest = line.slice(0, -END_COMMAND.length);
      if (rest.length > 0) this.push('Output', rest);
      this.followsOpen = false;
      return;
    }
    const colon = this.inFollowsOutput ? -1 : headerColon(line);
    if (colon !== -1) {
      this.push(line.slice(0, colon), line.slice(colon + 2));
      return;
    }
    this.inFollowsOutput = true;
    this.push('Output', line);
  }

  /** Count a line against the block size limit; false (and failed) when over it. */
  private count(lineLength: number, emit: (output: ReaderOutput) => void): boolean {
    this.messageBytes += lineLength + 2;
    if (this.messageBytes <= this.limits.maxMessageBytes) return true;
    this.fail(emit, `a message exceeds the ${this.limits.maxMessageBytes}-byte limit`);
    return false;
  }

  private push(key: string, value: string): void {
    const at = this.fieldCount++;
    if (key !== this.lastKeys[at]) this.keysDiffer = true;
    this.keys[at] = key;
    this.values[at] = value;
  }

  private flush(emit: (output: ReaderOutput) => void): void {
    const count = this.fieldCount;
    const sharesKeys = !this.keysDiffer && count === this.lastKeys.length;
    const keys = sharesKeys ? this.lastKeys : this.keys.slice(0, count);
    const message = new AmiMessage(keys, this.values.slice(0, count), sharesKeys);
    this.lastKeys = keys;
    this.keysDiffer = false;
    this.fieldCount = 0;
    // A long block would stay pinned by the reused arrays until the next one as long.
    if (count > KEEP_FIELD_ARRAYS_UP_TO) {
      this.keys = [];
      this.values = [];
    }
    this.messageBytes = 0;
    this.inFollowsOutput = false;
    emit({ kind: 'message', message });
  }
}

/** Index of the colon if `line` looks like an AMI header (`Token: ...`), else -1. Used only
 *  inside old `Response: Follows` blocks, where raw CLI output lines may contain colons. */
function headerColon(line: string): number {
  const colon = line.indexOf(':');
  if (colon <= 0 || line.charCodeAt(colon + 1) !== 0x20) return -1;
  for (let i = 0; i < colon; i++) {
    const c = line.charCodeAt(i);
    const token = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f;
    if (!token) return -1;
  }
  return colon;
}
