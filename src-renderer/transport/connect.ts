// The renderer's transport: the Electron preload bridge when present, else browser mode's WebSocket.
import { createClient } from '../../src-main/ipc/bridge';
import type { RegDeskApi, RegDeskBridge } from '../../src-main/ipc/contract';
import { openWebSocketBridge } from './websocket';

declare global {
  interface Window {
    regdesk?: RegDeskBridge;
  }
}

export async function connectTransport(onLost: () => void): Promise<{ api: RegDeskApi; mode: 'electron' | 'browser' }> {
  if (window.regdesk) return { api: createClient(window.regdesk), mode: 'electron' };
  return { api: createClient(await openWebSocketBridge(window.location, onLost)), mode: 'browser' };
}
