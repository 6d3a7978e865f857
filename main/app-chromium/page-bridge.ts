import { createClient } from '../../shared/client.js';

declare global {
  interface Window {
    /** Answers with the reply envelope as JSON text (see serve-renderer.ts). */
    __latchkeyInvoke(channel: string, payload: unknown): Promise<string>;
  }
}

/** Main delivers each event by calling this (serve-renderer.ts); the client parses what arrives. */
const EVENT_ENTRY = '__latchkeyEvent';
let deliver: ((name: unknown, payload: unknown) => void) | undefined;
Object.defineProperty(window, EVENT_ENTRY, {
  value: (name: unknown, payload: unknown) => {
    deliver?.(name, payload);
  },
  writable: false,
});

// What the Electron preload does, over one Playwright binding instead of ipcRenderer: used by the
// Chromium app-mode fallback of `npm start` and by the e2e tests. Bundled to dist/page-bridge.js.
Object.defineProperty(window, 'latchkey', {
  value: Object.freeze(
    createClient(
      async (channel, payload) => JSON.parse(await window.__latchkeyInvoke(channel, payload)) as unknown,
      (listener) => {
        deliver = listener;
        return () => {
          deliver = undefined;
        };
      },
    ),
  ),
  writable: false,
});
