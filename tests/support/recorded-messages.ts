// The AMI blocks one recorded session received, read with the production reader.
import type { AmiMessage } from '../../src-main/ami/messages';
import { AmiReader } from '../../src-main/ami/reader';
import { readTranscript, sessionBytes } from './transcript';

export function recordedMessages(fileName: string, session = 'S1'): AmiMessage[] {
  const out: AmiMessage[] = [];
  new AmiReader().feed(sessionBytes(readTranscript(fileName), session, 'recv'), (o) => {
    if (o.kind === 'message') out.push(o.message);
    else if (o.kind !== 'banner') throw new Error(`${fileName} ${session}: unexpected ${o.kind}`);
  });
  return out;
}
