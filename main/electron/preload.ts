/**
 * Preload (built as CommonJS so the window keeps sandbox: true). Exposes exactly the contract
 * as `window.convlab`: one request function for the contract's methods, one event subscription.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_KEY, type ConvlabBridge } from '../contract/bridge';
import { IPC_EVENT, IPC_REQUEST, METHOD_NAMES } from '../contract/names';
import type { EventMessage, ResponseMessage } from '../contract/types';

let nextId = 1;

export const bridge: ConvlabBridge = {
  methods: [...METHOD_NAMES],
  request(method: string, params?: unknown): Promise<ResponseMessage> {
    return ipcRenderer.invoke(IPC_REQUEST, { type: 'request', id: nextId++, method, params });
  },
  onEvent(listener: (event: EventMessage) => void): () => void {
    const handler = (_e: IpcRendererEvent, msg: EventMessage): void => listener(msg);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
