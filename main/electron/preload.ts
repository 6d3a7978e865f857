import { contextBridge, ipcRenderer } from 'electron';
import { createClient } from '../../shared/client.js';
import { EVENT_CHANNEL } from '../../shared/events.js';
import { isRendererChannel } from '../../shared/renderer-channels.js';

/**
 * The preload exposes exactly one thing: `window.latchkey`, the typed client over ipcRenderer.invoke
 * and main's events.
 * No Electron object crosses into the page. Bundled into one CommonJS file (sandboxed preloads can't
 * load modules from disk).
 */
contextBridge.exposeInMainWorld(
  'latchkey',
  // Only the page's channels leave the preload (main refuses the rest too: this is the second wall).
  createClient(
    (channel, payload) =>
      isRendererChannel(channel) ? ipcRenderer.invoke(channel, payload) : Promise.resolve({ ok: false, error: { code: 'INVALID_REQUEST', message: 'that channel is not served to the app’s page' } }),
    // Main's events: only name and payload reach the page, never the IPC event object.
    (listener) => {
      const forward = (_event: unknown, name: unknown, payload: unknown) => {
        listener(name, payload);
      };
      ipcRenderer.on(EVENT_CHANNEL, forward);
      return () => {
        ipcRenderer.removeListener(EVENT_CHANNEL, forward);
      };
    },
  ),
);
