// Incoming AMI bytes read by manager.c's rules, fed whole and split at every byte.
import { describe, expect, it } from 'vitest';
import { AmiInputParser, getHeader, MAX_HEADERS } from '../../../../src-main/sandbox/ami/input';
import type { AmiRequest } from '../../../../src-main/sandbox/ami/input';
import { readTranscript, sessionBytes, TRANSCRIPTS } from '../../../support/transcript';

function parseAll(chunks: Buffer[]): AmiRequest[] {
  const parser = new AmiInputParser();
  return chunks.flatMap((c) => parser.push(c));
}

describe('AMI input parser', () => {
  it('reads every action the lab sent, identically whatever the split of the bytes', () => {
    for (const name of TRANSCRIPTS) {
      const t = readTranscript(name);
      const sessions = [...new Set(t.chunks.map((c) => c.session))];
      for (const session of sessions) {
        const bytes = sessionBytes(t, session, 'sent');
        const whole = parseAll([bytes]);
        expect(whole.length, `${name} ${session}`).toBe(bytes.toString().split('\r\n\r\n').length - 1);
        for (let cut = 1; cut < Math.min(bytes.length, 400); cut++) {
          expect(parseAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
        }
      }
    }
  });

  it('accepts a bare LF as line end and ends a line at its first NUL', () => {
    expect(parseAll([Buffer.from('Action: Ping\nActionID: a\u0000b\n\n')])).toEqual([{ kind: 'action', headers: ['Action: Ping', 'ActionID: a'] }]);
  });

  it('flags a message whose line overflows the 1024-byte buffer, then reads the next one normally', () => {
    const long = `X: ${'y'.repeat(3000)}\r\n`;
    const [broken, next] = parseAll([Buffer.from(`Action: Ping\r\n${long}\r\nAction: Ping\r\n\r\n`)]);
    expect(broken?.kind).toBe('lineTooLong');
    expect(next).toEqual({ kind: 'action', headers: ['Action: Ping'] });
  });

  it(`flags a message of more than ${MAX_HEADERS} lines`, () => {
    const lines = Array.from({ length: MAX_HEADERS + 5 }, (_, i) => `H${i}: v\r\n`).join('');
    const [request] = parseAll([Buffer.from(`${lines}\r\n`)]);
    expect(request?.kind).toBe('tooManyLines');
    expect(request?.headers).toHaveLength(MAX_HEADERS);
  });

  it('reports a line of 6 MB without a line end as too long once the message ends', () => {
    const parser = new AmiInputParser();
    for (let i = 0; i < 100; i++) expect(parser.push(Buffer.alloc(64 * 1024, 0x41))).toEqual([]);
    expect(parser.push(Buffer.from('\r\n\r\n'))).toEqual([{ kind: 'lineTooLong', headers: [expect.any(String)] }]);
  });

  it('finds headers as astman_get_header does: case-insensitive name, leading blanks skipped, first match', () => {
    const headers = ['action:   Ping', 'ActionID: 1', 'ActionID: 2', 'Actionx: no', 'NoColonLine'];
    expect(getHeader(headers, 'Action')).toBe('Ping');
    expect(getHeader(headers, 'ActionID')).toBe('1');
    expect(getHeader(headers, 'Missing')).toBe('');
    expect(getHeader(['Action:', 'Action: Login'], 'Action', { skipEmpty: true })).toBe('Login');
  });
});
