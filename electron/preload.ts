// The preload exposes the typed `pos` API and nothing else (sandboxed, context-isolated).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { PosApi } from '../shared/ipc/contract.js';

const INVOKE_CHANNEL = 'pos:invoke';
const EVENT_CHANNEL = 'pos:event';

const pos: PosApi = {
  invoke: (channel, payload) => ipcRenderer.invoke(INVOKE_CHANNEL, channel, payload),
  on: (event, listener) => {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload as never);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('pos', pos);
