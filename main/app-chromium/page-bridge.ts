import { createClient } from '../../shared/client.js';

declare global {
  interface Window {
    __latchkeyInvoke(channel: string, payload: unknown): Promise<unknown>;
  }
}

// What the Electron preload does, over one Playwright binding instead of ipcRenderer: used by the
// Chromium app-mode fallback of `npm start` and by the e2e tests. Bundled to dist/page-bridge.js.
Object.defineProperty(window, 'latchkey', {
  value: Object.freeze(createClient((channel, payload) => window.__latchkeyInvoke(channel, payload))),
  writable: false,
});
