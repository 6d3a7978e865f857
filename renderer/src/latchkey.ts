import type { LatchkeyClient } from '../../shared/client.js';

declare global {
  interface Window {
    /** Built by the preload (Electron) or the e2e bridge: the only way the page reaches the app. */
    readonly latchkey: LatchkeyClient;
  }
}

export const latchkey = (): LatchkeyClient => window.latchkey;
