import type { LatchkeyClient } from '../../../shared/client.js';

declare global {
  interface Window {
    /** Built by the preload (Electron) or the e2e bridge: the only way the page reaches the app. */
    readonly latchkey: LatchkeyClient;
  }
}

/**
 * The client, for the data layer alone (eslint.config.js keeps every other folder from it): screens
 * reach main through the queries and mutations of `data/`, which handle a lock and errors once.
 */
export const latchkey = (): LatchkeyClient => window.latchkey;
