import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('regdesk', {});
