import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import type { ReplyEnvelope } from '../../shared/wire.js';

/** The built renderer is served to the page by Playwright's router: no HTTP server, no HTTP bridge. */
export const APP_ORIGIN = 'http://latchkey.app';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/**
 * Prepares a Chromium page as the app: the renderer from `distFolder`, `window.latchkey` from the
 * bridge script over one binding to `dispatch`, served to the main frame only.
 */
export async function attachApp(page: Page, distFolder: string, bridgeScript: string, dispatch: (channel: unknown, payload: unknown) => Promise<ReplyEnvelope>): Promise<void> {
  await page.route(`${APP_ORIGIN}/**`, async (route) => {
    const path = normalize(new URL(route.request().url()).pathname).replace(/^\/+/, '');
    const file = join(distFolder, path === '' ? 'index.html' : path);
    if (!file.startsWith(distFolder)) return route.fulfill({ status: 404 });
    try {
      await route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
    } catch {
      await route.fulfill({ status: 404 });
    }
  });
  // Replies cross as JSON text: Playwright serialises a returned object value by value through CDP,
  // which costs ~250 ms for a 1,000-account listing; one string costs a few. Envelopes are JSON-safe
  // by design (bytes as base64, 64-bit counters as decimal strings).
  await page.exposeBinding('__latchkeyInvoke', async (source, channel: unknown, payload: unknown) => {
    if (source.frame !== page.mainFrame()) return JSON.stringify({ ok: false, error: { code: 'INVALID_REQUEST', message: 'request from an untrusted frame refused' } });
    return JSON.stringify(await dispatch(channel, payload));
  });
  await page.addInitScript(bridgeScript);
  await page.goto(`${APP_ORIGIN}/index.html`);
}
