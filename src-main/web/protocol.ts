// The browser-mode WebSocket messages: the ipc contract's calls and pushed events as JSON.
import type { CallResult, PushedEvent } from '../ipc/contract';

/** The path the renderer opens its WebSocket on. */
export const webSocketPath = '/ws';

export interface CallMessage {
  id: number;
  operation: string;
  args: unknown[];
}

export type ServerMessage = { kind: 'result'; id: number; result: CallResult<unknown> } | { kind: 'event'; message: PushedEvent };
