import { contextBridge, ipcRenderer } from 'electron';
import { createClient } from '../../shared/client.js';
import { isRendererChannel } from '../../shared/renderer-channels.js';

/**
 * The preload exposes exactly one thing: `window.latchkey`, the typed client over ipcRenderer.invoke.
 * No Electron object crosses into the page. Bundled into one CommonJS file (sandboxed preloads can't
 * load modules from disk).
 */
contextBridge.exposeInMainWorld(
  'latchkey',
  // Only the page's channels leave the preload (main refuses the rest too: this is the second wall).
  createClient((channel, payload) =>
    isRendererChannel(channel) ? ipcRenderer.invoke(channel, payload) : Promise.resolve({ ok: false, error: { code: 'INVALID_REQUEST', message: 'that channel is not served to the app’s page' } }),
  ),
);
