import type { Browser } from 'playwright-core';
import type { LatchkeyClient } from '../shared/client.js';
import { openApp, type AppPage, type OpenAppOptions } from '../e2e/harness.js';
import { bulkUris, clientFor, createUnlockedVault, importAccounts, keepUnlocked } from '../e2e/sample-accounts.js';

/** What the app benchmarks share: a window, a vault of many accounts, unlocked before the page loads them. */
export const APP_WINDOW = { width: 440, height: 760 } as const;
export const ACCOUNT_COUNT = 1000;
const PASSWORD = 'benchmark password';

/** Rows of the list: each has exactly one code button (the e2e specs' contract). */
export const ROW_SELECTOR = '[data-testid="code"]';

export interface LoadedApp {
  readonly app: AppPage;
  readonly client: LatchkeyClient;
  /** Why the auto-lock could not be lengthened, when it could not. */
  readonly autoLockNote: string | undefined;
}

/**
 * Opens the app, creates and unlocks a vault through the channels, imports `count` accounts in one
 * transaction and lengthens the auto-lock to its maximum (a simulated idle stretch must not lock).
 * The page still shows the first-run screen: reload it to see the list.
 */
export async function appWithAccounts(browser: Browser, count = ACCOUNT_COUNT, options: OpenAppOptions = {}): Promise<LoadedApp> {
  const app = await openApp(browser, { viewport: APP_WINDOW, ...options });
  const client = clientFor(app.service);
  await createUnlockedVault(client, PASSWORD);
  const added = await importAccounts(client, bulkUris(count));
  if (added !== count) throw new Error(`imported ${String(added)} accounts, expected ${String(count)}`);
  const autoLockNote = await keepUnlocked(client);
  return { app, client, autoLockNote };
}

/**
 * Waits until the list has rendered: all `expected` rows, or (a list that virtualises) a row count that
 * stays the same for 750 ms. Returns the row count.
 */
export async function waitForRows(app: AppPage, expected: number, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  let last = -1;
  let since = Date.now();
  for (;;) {
    const rows = await app.page.locator(ROW_SELECTOR).count();
    if (rows === expected) return rows;
    if (rows !== last) {
      last = rows;
      since = Date.now();
    } else if (rows > 0 && Date.now() - since >= 750) {
      return rows;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`the list showed ${String(rows)} rows after ${String(timeoutMs)} ms, expected ${String(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
