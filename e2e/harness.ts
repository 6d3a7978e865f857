import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { attachApp } from '../main/app-chromium/serve-renderer.js';
import { KDF_FLOOR } from '../main/vault/index.js';
import { createService, type Service } from '../main/service/index.js';
import { REPO_ROOT } from '../main/test-support/facts.js';
import { memoisedKdf, tempVaultPath, testClock, type TestClock } from '../main/vault/test-support/test-runtime.js';

const DIST = join(REPO_ROOT, 'renderer', 'dist');
/** Built by `npm run build:main` (scripts/build-preload.mjs), which the test setup runs. */
const BRIDGE = join(REPO_ROOT, 'dist', 'page-bridge.js');

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
 * createService (a real vault file in a temp dir, a clock the test moves), exactly as `npm start`'s
 * Chromium fallback does. Only the main frame may call.
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
  await attachApp(page, DIST, readFileSync(BRIDGE, 'utf8'), (channel, payload) => service.dispatch(channel, payload));
  return { page, service, clock, dialogs, clipboard };
}
