import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { KDF_FLOOR } from '../main/vault/index.js';
import { createService, type Service } from '../main/service/index.js';
import { REPO_ROOT } from '../main/test-support/facts.js';
import { memoisedKdf, tempVaultPath, testClock, type TestClock } from '../main/vault/test-support/test-runtime.js';

/** The built renderer is served to the page by Playwright's router: no HTTP server, no HTTP bridge. */
const ORIGIN = 'http://latchkey.test';
const DIST = join(REPO_ROOT, 'renderer', 'dist');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

let bridgeSource: string | undefined;

async function bridge(): Promise<string> {
  if (bridgeSource === undefined) {
    const result = await build({ entryPoints: [join(REPO_ROOT, 'e2e', 'bridge.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', write: false, logLevel: 'error' });
    bridgeSource = result.outputFiles[0]?.text ?? '';
  }
  return bridgeSource;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface AppPage {
  readonly page: Page;
  readonly service: Service;
  readonly clock: TestClock;
  readonly dialogs: string[];
  /** The system clipboard as the service writes it (an in-memory one here). */
  readonly clipboard: { text: string };
}

/** How long a copied code stays on the test clipboard (the app's default is 30 s). */
export const E2E_CLIPBOARD_CLEAR_MS = 1500;

/**
 * Opens the real renderer in Chromium with `window.latchkey` = createClient over one exposeBinding to
 * createService (a real vault file in a temp dir, a clock the test moves). Only the main frame may call.
 */
export async function openApp(browser: Browser, options: { clock?: TestClock } = {}): Promise<AppPage> {
  const clock = options.clock ?? testClock(Date.now());
  const clipboard = { text: '' };
  const service = createService({
    clock,
    vaultPath: tempVaultPath(),
    kdf: KDF_FLOOR,
    deriveKey: memoisedKdf(),
    clipboard: {
      write: (text) => {
        clipboard.text = text;
      },
      read: () => clipboard.text,
    },
    clipboardClearMs: E2E_CLIPBOARD_CLEAR_MS,
  });
  const context = await browser.newContext({ viewport: { width: 420, height: 700 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = normalize(new URL(route.request().url()).pathname).replace(/^\/+/, '');
    const file = join(DIST, path === '' ? 'index.html' : path);
    if (!file.startsWith(DIST)) return route.fulfill({ status: 404 });
    try {
      await route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
    } catch {
      await route.fulfill({ status: 404 });
    }
  });
  await page.exposeBinding('__latchkeyInvoke', (source, channel: unknown, payload: unknown) => {
    if (source.frame !== page.mainFrame()) return { ok: false, error: { code: 'INVALID_REQUEST', message: 'request from an untrusted frame refused' } };
    return service.dispatch(channel, payload);
  });
  await page.addInitScript(await bridge());
  await page.goto(`${ORIGIN}/index.html`);
  return { page, service, clock, dialogs, clipboard };
}
