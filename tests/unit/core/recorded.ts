// Reads AMI messages out of the recorded real-Asterisk transcripts, for core tests that take
// their cases from the recorded bytes. Deliberately naive (split on the blank line, first `: `
// per line): the fixtures are known-good, and the real parser belongs to ami/.
import { readTranscript, sessionBytes } from '../../support/transcript';

export type AmiBlock = Record<string, string>;

export function recordedBlocks(fileName: string, session = 'S1'): AmiBlock[] {
  const text = sessionBytes(readTranscript(fileName), session, 'recv').toString('utf8');
  return text
    .split('\r\n\r\n')
    .map((raw) => {
      const block: AmiBlock = {};
      for (const line of raw.split('\r\n')) {
        const colon = line.indexOf(': ');
        if (colon > 0) block[line.slice(0, colon)] = line.slice(colon + 2).replace(/\n$/, '');
      }
      return block;
    })
    .filter((b) => Object.keys(b).length > 0);
}

export function recordedEvents(fileName: string, event: string, session = 'S1'): AmiBlock[] {
  return recordedBlocks(fileName, session).filter((b) => b.Event === event);
}

export function field(block: AmiBlock, name: string): string {
  const value = block[name];
  if (value === undefined) throw new Error(`recorded block has no ${name}: ${JSON.stringify(block)}`);
  return value;
}
