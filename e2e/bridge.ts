/// <reference lib="dom" />
import { createClient } from '../shared/client.js';

declare global {
  interface Window {
    __latchkeyInvoke(channel: string, payload: unknown): Promise<unknown>;
  }
}

// What the preload does in Electron, over the one Playwright binding instead of ipcRenderer.
Object.defineProperty(window, 'latchkey', {
  value: Object.freeze(createClient((channel, payload) => window.__latchkeyInvoke(channel, payload))),
  writable: false,
});
