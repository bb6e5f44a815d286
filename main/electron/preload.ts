// Runs sandboxed in the renderer's isolated world. It exposes one object, built from the contract:
// one function per channel, nothing else. ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer } from "electron";
import { API_GLOBAL, CHANNELS } from "../../shared/contract";

const api: Record<string, (request: unknown) => Promise<unknown>> = {};
for (const channel of CHANNELS) {
  api[channel] = (request: unknown) => ipcRenderer.invoke(channel, request);
}

contextBridge.exposeInMainWorld(API_GLOBAL, Object.freeze(api));
