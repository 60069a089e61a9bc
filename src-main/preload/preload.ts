// The renderer's only door to main: one function per declared operation (derived from the ipc
// contract, so no channel name is written here), plus the pushed-event subscription.
// Bundled into one CommonJS file: a sandboxed preload cannot load modules.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { deriveBridge } from '../ipc/bridge';
import { channelOf, eventChannel, type CallResult, type PushedEvent } from '../ipc/contract';

const bridge = deriveBridge(
  (operation, args) => ipcRenderer.invoke(channelOf(operation), ...args) as Promise<CallResult<unknown>>,
  (listener) => {
    const onMessage = (_event: IpcRendererEvent, message: PushedEvent) => listener(message);
    ipcRenderer.on(eventChannel, onMessage);
    return () => {
      ipcRenderer.removeListener(eventChannel, onMessage);
    };
  },
);

contextBridge.exposeInMainWorld('regdesk', bridge);
