// Browser mode: the ipc bridge over the WebSocket of src-main/web (same contract, same calls).
import { deriveBridge } from '../../src-main/ipc/bridge';
import type { CallResult, PushedEvent, RegDeskBridge } from '../../src-main/ipc/contract';
import { webSocketPath, type CallMessage, type ServerMessage } from '../../src-main/web/protocol';

export function openWebSocketBridge(location: Location, onLost: () => void): Promise<RegDeskBridge> {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}${webSocketPath}`);
  const pending = new Map<number, (result: CallResult<unknown>) => void>();
  const listeners = new Set<(message: PushedEvent) => void>();
  let nextId = 1;

  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as ServerMessage;
    if (message.kind === 'event') {
      for (const listener of listeners) listener(message.message);
    } else {
      pending.get(message.id)?.(message.result);
      pending.delete(message.id);
    }
  });
  socket.addEventListener('close', () => {
    for (const settle of pending.values()) settle({ ok: false, error: { code: 'unreachable', message: 'browser-mode connection closed' } });
    pending.clear();
    onLost();
  });

  const bridge = deriveBridge(
    (operation, args) =>
      new Promise((resolve) => {
        if (socket.readyState !== WebSocket.OPEN) {
          return resolve({ ok: false, error: { code: 'unreachable', message: 'browser-mode connection closed' } });
        }
        const id = nextId++;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, operation, args } satisfies CallMessage));
      }),
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  );

  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(bridge), { once: true });
    socket.addEventListener('error', () => reject(new Error('browser-mode WebSocket refused')), { once: true });
  });
}
