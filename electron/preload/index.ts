import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { handlerNames, IPC_INVOKE_PREFIX, IPC_MENU_CHANNEL, IPC_PROGRESS_CHANNEL, type LedgerdeskApi, type MenuCommand, type ProgressEvent } from '../api';

/**
 * Exposes exactly one object, window.ledgerdesk (electron/api.ts), and nothing of ipcRenderer
 * itself. Bundled as CommonJS with its imports inlined: a sandboxed preload can only require
 * 'electron'.
 */
const invokers = Object.fromEntries(
  handlerNames.map((name) => [name, (args: unknown) => ipcRenderer.invoke(`${IPC_INVOKE_PREFIX}${name}`, args ?? {})]),
);

function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, payload: T) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const api = {
  ...invokers,
  onProgress: (listener: (event: ProgressEvent) => void) => subscribe(IPC_PROGRESS_CHANNEL, listener),
  onMenuCommand: (listener: (command: MenuCommand) => void) => subscribe(IPC_MENU_CHANNEL, listener),
  // Sandboxed pages no longer see File.path (Electron 32+): the preload asks webUtils for dropped files.
  pathForFile: (file: Blob) => {
    try {
      return webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]) || null;
    } catch {
      return null;
    }
  },
} as LedgerdeskApi;

contextBridge.exposeInMainWorld('ledgerdesk', api);
