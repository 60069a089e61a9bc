// The answers recorded from real Asterisk 20.20.1 and 23.4.1 (tests/fixtures/versions/, copied
// from the team's shared/asterisk/versions/): each `*.wire.txt` holds one answer's exact bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AmiMessage } from '../../src-main/ami/messages';
import { readBlocks } from './replay-server';
import { FIXTURES_DIR } from './transcript';

export const RECORDED_VERSIONS = ['20.20.1', '23.4.1'] as const;
export type RecordedVersion = (typeof RECORDED_VERSIONS)[number];

export type RecordedAnswer = 'banner' | 'CoreSettings' | 'PJSIPShowAors' | 'PJSIPShowContacts' | 'accepted-registrations-events' | 'refused-third-registration-events';

export function recordedVersionBytes(version: RecordedVersion, answer: RecordedAnswer): Buffer {
  return readFileSync(join(FIXTURES_DIR, 'versions', version, answer === 'banner' ? 'banner.txt' : `${answer}.wire.txt`));
}

export function recordedVersionMessages(version: RecordedVersion, answer: Exclude<RecordedAnswer, 'banner'>): AmiMessage[] {
  return readBlocks(recordedVersionBytes(version, answer));
}

/** The refused-third-registration session, as a transcript file name under tests/fixtures/. */
export function refusalTranscript(version: RecordedVersion): string {
  return join('versions', version, 'refused-third-registration.txt');
}
