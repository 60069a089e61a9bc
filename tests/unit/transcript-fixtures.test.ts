import { describe, expect, it } from 'vitest';
import { readTranscript, sessionBytes, TRANSCRIPTS } from '../support/transcript';

describe('recorded Asterisk transcripts', () => {
  it.each(TRANSCRIPTS)('%s parses with every declared byte count intact', (name) => {
    const t = readTranscript(name);
    expect(t.chunks.length).toBeGreaterThan(10);
    // Every recv chunk is one or more whole AMI messages: it ends with a blank line (or is the banner).
    for (const c of t.chunks.filter((c) => c.direction === 'recv')) {
      const text = c.bytes.toString('latin1');
      if (c.banner) expect(text).toBe('Asterisk Call Manager/11.0.0\r\n');
      else expect(text.endsWith('\r\n\r\n')).toBe(true);
    }
  });

  it('keeps the bare LF Asterisk puts before the closing CRLF of some errors', () => {
    const t = readTranscript('c2_dbdel_qualified_contact.txt');
    expect(sessionBytes(t, 'S1', 'recv').toString('latin1')).toContain('Message: No Contacts found\n\r\n\r\n');
  });
});
