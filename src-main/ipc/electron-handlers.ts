// The contract on Electron's ipcMain, typed structurally so this module needs no Electron import.
import { channelOf, eventChannel, operationNames, type CallResult, type PushedEvent } from './contract';
import { forwardServiceEvents, handleCall } from './dispatch';
import type { RegDeskServices } from '../services/api';

export interface IpcInvokeEvent {
  sender: { id: number };
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<CallResult<unknown>>): void;
  removeHandler(channel: string): void;
}

/**
 * Registers one handler per declared operation. Calls from any sender `isTrustedSender` rejects
 * (another webContents, a frame navigated elsewhere) are refused with `permission`.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  services: RegDeskServices,
  isTrustedSender: (event: IpcInvokeEvent) => boolean,
): () => void {
  for (const operation of operationNames) {
    ipcMain.handle(channelOf(operation), async (event, ...args) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'permission', message: 'IPC call from an untrusted sender' } };
      }
      return handleCall(services, operation, args);
    });
  }
  return () => {
    for (const operation of operationNames) ipcMain.removeHandler(channelOf(operation));
  };
}

/** Pushes every service event to the window through `send(eventChannel, message)`. */
export function pushServiceEvents(
  services: RegDeskServices,
  send: (channel: string, message: PushedEvent) => void,
): () => void {
  return forwardServiceEvents(services, (message) => send(eventChannel, message));
}
