import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { EventListener } from '../../shared/events.js';
import type { ReplyEnvelope } from '../../shared/wire.js';
import { rendererDoor } from '../service/index.js';

/** The built renderer is served to the page by Playwright's router: no HTTP server, no HTTP bridge. */
export const APP_ORIGIN = 'http://latchkey.app';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

const REFUSED = (message: string) => JSON.stringify({ ok: false, error: { code: 'INVALID_REQUEST', message } });

/** True when the binding's caller is the page's top frame, still showing our origin. */
function isOurMainFrame(page: Page, frame: Frame): boolean {
  if (frame !== page.mainFrame()) return false;
  try {
    return new URL(frame.url()).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}

/**
 * Prepares a Chromium page as the app: the renderer from `distFolder`, `window.latchkey` from the
 * bridge script over one binding to the renderer door in front of `dispatch` (the page's channels
 * only), served to our origin's main frame only. Nothing else loads: every request outside our
 * origin is aborted, so the page can't be navigated away or fetch anything.
 */
export async function attachApp(
  page: Page,
  distFolder: string,
  bridgeScript: string,
  dispatch: (channel: unknown, payload: unknown) => Promise<ReplyEnvelope>,
  onEvent?: (listener: EventListener) => () => void,
): Promise<void> {
  const door = rendererDoor(dispatch);
  // Main's events reach the page through the bridge's entry point (page-bridge.ts), our origin only.
  const stop = onEvent?.((name, payload) => {
    if (page.isClosed() || !isOurMainFrame(page, page.mainFrame())) return;
    page.evaluate(([event, body]) => (globalThis as unknown as Record<string, ((n: unknown, p: unknown) => void) | undefined>)['__latchkeyEvent']?.(event, body), [name, payload] as const).catch(() => undefined);
  });
  if (stop !== undefined) page.once('close', stop);
  await page.route((url) => url.origin !== APP_ORIGIN, (route) => route.abort('blockedbyclient'));
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
    if (!isOurMainFrame(page, source.frame)) return REFUSED('request from an untrusted frame refused');
    return JSON.stringify(await door(channel, payload));
  });
  await page.addInitScript(bridgeScript);
  await page.goto(`${APP_ORIGIN}/index.html`);
}
