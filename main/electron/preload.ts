import { contextBridge, ipcRenderer } from 'electron';
import { createClient } from '../../shared/client.js';

/**
 * The preload exposes exactly one thing: `window.latchkey`, the typed client over ipcRenderer.invoke.
 * No Electron object crosses into the page. Bundled into one CommonJS file (sandboxed preloads can't
 * load modules from disk).
 */
contextBridge.exposeInMainWorld(
  'latchkey',
  createClient((channel, payload) => ipcRenderer.invoke(channel, payload)),
);
