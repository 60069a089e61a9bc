// Drives one AmiSession without a socket: bytes in, the exact bytes it writes out.
import { AmiInputParser } from '../../../../src-main/sandbox/ami/input';
import type { AmiEventOut, PbxView } from '../../../../src-main/sandbox/ami/pbx-view';
import { AmiSession } from '../../../../src-main/sandbox/ami/session';
import { ACTIONS } from '../../../../src-main/sandbox/ami/actions/table';

export interface Harness {
  /** Feed raw bytes; returns what the session wrote in answer (events included). */
  send(text: string): string;
  /** Everything written since the harness started. */
  readonly written: string[];
  readonly ended: boolean;
  readonly session: AmiSession;
}

export function harness(pbx: PbxView, opts: { remote?: string; broadcast?: (e: AmiEventOut) => void } = {}): Harness {
  const written: string[] = [];
  let ended = false;
  const parser = new AmiInputParser();
  let session: AmiSession;
  // Events a session raises come back to it, as the server's broadcast does.
  const broadcast = (e: AmiEventOut): void => {
    opts.broadcast?.(e);
    session.deliver(e);
  };
  session = new AmiSession(
    {
      pbx,
      actions: ACTIONS,
      now: () => Date.now(),
      write: (t) => void written.push(t),
      end: () => void (ended = true),
      broadcast,
      authFailureDelayMs: 0,
      schedule: (fn) => fn(),
    },
    {
      sessionId: '0x7f0000000001',
      local: { address: '127.0.0.1', port: 5038 },
      remote: { address: opts.remote ?? '127.0.0.1', port: 40000 },
      sessionStart: null,
    },
  );
  return {
    send(text) {
      const before = written.length;
      for (const request of parser.push(Buffer.from(text, 'utf8'))) session.handle(request);
      return written.slice(before).join('');
    },
    written,
    get ended() {
      return ended;
    },
    session,
  };
}
