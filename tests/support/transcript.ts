// Reads the recorded real-Asterisk AMI transcripts in tests/fixtures/ (format: see
// tests/fixtures/README.md). Every chunk keeps its exact bytes, CRLF and bare LF included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TranscriptChunk {
  /** AMI session name as recorded: S0, S1, S1b, S2, ... */
  session: string;
  /** sent = client to Asterisk, recv = Asterisk to client. */
  direction: 'sent' | 'recv';
  banner: boolean;
  /** Wall-clock time of the recording, `HH:MM:SS.mmm`. */
  time: string;
  bytes: Buffer;
}

export interface Transcript {
  name: string;
  description: string;
  chunks: TranscriptChunk[];
}

export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures');

const HEADER = /^#--- (\S+) (>>>|<<<) (sent|recv)( \(banner\))? t=(\S+) \((\d+) bytes\) ---$/;

/** Parse one transcript. Throws if a declared byte count does not match the file. */
export function readTranscript(fileName: string): Transcript {
  const raw = readFileSync(join(FIXTURES_DIR, fileName));
  const chunks: TranscriptChunk[] = [];
  let pos = 0;
  let description = '';
  while (pos < raw.length) {
    const eol = raw.indexOf(0x0a, pos);
    const lineEnd = eol === -1 ? raw.length : eol;
    const line = raw.subarray(pos, lineEnd).toString('utf8');
    pos = lineEnd + 1;
    if (!description) description = line.replace(/^#\s*/, '');
    const m = HEADER.exec(line);
    if (!m) continue; // annotation (# ...), log quote (#| ...) or blank separator
    const length = Number(m[6]);
    const bytes = raw.subarray(pos, pos + length);
    if (bytes.length !== length) throw new Error(`${fileName}: chunk at byte ${pos} is truncated`);
    chunks.push({
      session: m[1]!,
      direction: m[3] as 'sent' | 'recv',
      banner: Boolean(m[4]),
      time: m[5]!,
      bytes: Buffer.from(bytes),
    });
    pos += length;
  }
  return { name: fileName, description, chunks };
}

/** All bytes one session received (or sent), concatenated in recorded order. */
export function sessionBytes(t: Transcript, session: string, direction: 'sent' | 'recv'): Buffer {
  return Buffer.concat(t.chunks.filter((c) => c.session === session && c.direction === direction).map((c) => c.bytes));
}

export const TRANSCRIPTS = [
  'a_phone1_two_contacts_queries.txt',
  'b_phone1_third_contact_max_contacts.txt',
  'c_dbdel_contact.txt',
  'c2_dbdel_qualified_contact.txt',
  'c4_dbdel_then_expiry_time.txt',
  'd_phone2_remove_existing.txt',
  'e_phone3_qualify.txt',
  'f_short_expiry.txt',
  'g_unregister.txt',
  'h_login_failures_unknown_action.txt',
] as const;
