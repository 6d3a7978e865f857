import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { attachApp } from '../main/app-chromium/serve-renderer.js';
import { KDF_FLOOR } from '../main/vault/index.js';
import { createService, type PathRequest, type ScreenCapture, type Service, type ServiceDeps, type UserPrompts } from '../main/service/index.js';
import { REPO_ROOT } from '../main/test-support/facts.js';
import { memoisedKdf, tempVaultPath, testClock, type TestClock } from '../main/vault/test-support/test-runtime.js';

/** The folder holding package.json: REPO_ROOT from sources, its parent when compiled into dist/ (benchmarks). */
function projectRoot(): string {
  for (let folder = REPO_ROOT; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return REPO_ROOT;
  }
}
export const RENDERER_DIST = join(projectRoot(), 'renderer', 'dist');
/** Built by `npm run build:main` (scripts/build-preload.mjs), which the test setup runs. */
export const PAGE_BRIDGE = join(projectRoot(), 'dist', 'page-bridge.js');

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
  /** Calls from the page the service has not answered yet. */
  readonly pending: () => number;
  /** What the user answers main's own questions (Electron's dialogs in the app), scripted by the test. */
  readonly prompts: ScriptedPrompts;
}

/** The user at main's dialogs: the answers a test sets, and every question asked. */
export interface ScriptedPrompts extends UserPrompts {
  /** The path the next "save as"/"choose folder" answers; undefined: the user cancels. */
  path: string | undefined;
  /** Whether the user agrees to a screen capture. */
  allowCapture: boolean;
  readonly pathsAsked: PathRequest[];
  captureAsked: number;
}

function scriptedPrompts(): ScriptedPrompts {
  const prompts: ScriptedPrompts = {
    path: undefined,
    allowCapture: true,
    pathsAsked: [],
    captureAsked: 0,
    pickPath: (request) => {
      prompts.pathsAsked.push(request);
      return Promise.resolve(prompts.path);
    },
    confirmCapture: () => {
      prompts.captureAsked++;
      return Promise.resolve(prompts.allowCapture);
    },
  };
  return prompts;
}

export interface OpenAppOptions {
  clock?: TestClock;
  /** The window: 420×700 unless given. */
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
  /** prefers-color-scheme as the page sees it (the app follows it); Playwright's default is light. */
  colorScheme?: BrowserContextOptions['colorScheme'];
  /**
   * Installs Playwright's fake clock in the page at the service clock's time before the first load
   * (it runs on from there; move both with `clock.advance` and `page.clock.runFor`).
   */
  pageClock?: boolean;
  /** What "Scan the screen" sees (the app's desktopCapturer; none by default, as on a headless box). */
  capture?: ScreenCapture;
  /** Run on the page before the app is first loaded (e.g. `page.clock.install`, init scripts). */
  beforeLoad?: (page: Page) => Promise<void>;
  /** Where the service finds security keys (an emulated YubiKey); real ones are never looked for here. */
  keys?: ServiceDeps['keys'];
  /** The desktop's Electron-only pieces, faked (the keyring: e2e/fake-keyring.ts); none by default, as in the Chromium fallback. */
  desktop?: ServiceDeps['desktop'];
  /** The vault's key derivation: memoised real Argon2id unless given (a held one lets a test cancel during it). */
  deriveKey?: ServiceDeps['deriveKey'];
}

/** How long a copied code stays on the test clipboard (the app's default is 30 s). */
export const E2E_CLIPBOARD_CLEAR_MS = 1500;

/**
 * Opens the real renderer in Chromium with `window.latchkey` = createClient over one exposeBinding to
 * createService (a real vault file in a temp dir, a clock the test moves), exactly as `npm start`'s
 * Chromium fallback does: through the renderer door (the page's channels only), from the main frame only.
 */
export async function openApp(browser: Browser, options: OpenAppOptions = {}): Promise<AppPage> {
  const clock = options.clock ?? testClock(Date.now());
  const clipboard = { text: '' };
  const prompts = scriptedPrompts();
  const service = createService({
    prompts,
    watchOtherWriters: true,
    clock,
    vaultPath: tempVaultPath(),
    kdf: KDF_FLOOR,
    deriveKey: options.deriveKey ?? memoisedKdf(),
    clipboard: {
      write: (text) => {
        clipboard.text = text;
      },
      read: () => clipboard.text,
    },
    clipboardClearMs: E2E_CLIPBOARD_CLEAR_MS,
    ...(options.capture === undefined ? {} : { capture: options.capture }),
    ...(options.desktop === undefined ? {} : { desktop: options.desktop }),
    keys: options.keys ?? { devices: { yubiKeyOtp: () => Promise.resolve([]), oathKeys: () => Promise.resolve({ keys: [], unavailable: [] }), watchKeys: () => () => undefined } },
  });
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 420, height: 700 },
    ...(options.deviceScaleFactor === undefined ? {} : { deviceScaleFactor: options.deviceScaleFactor }),
    ...(options.colorScheme === undefined ? {} : { colorScheme: options.colorScheme }),
  });
  const page = await context.newPage();
  if (options.pageClock === true) await page.clock.install({ time: clock.now() });
  await options.beforeLoad?.(page);
  let pending = 0;
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await attachApp(
    page,
    RENDERER_DIST,
    readFileSync(PAGE_BRIDGE, 'utf8'),
    async (channel, payload) => {
      pending++;
      try {
        return await service.dispatch(channel, payload);
      } finally {
        pending--;
      }
    },
    (listener) => service.onEvent(listener),
  );
  return { page, service, clock, dialogs, clipboard, prompts, pending: () => pending };
}

/** The vault password of `openUnlockedApp`. */
export const E2E_PASSWORD = 'e2e vault password';

/** A vault made and unlocked through the service, then the page shown: the list screen. */
export async function openUnlockedApp(browser: Browser, options: OpenAppOptions = {}): Promise<AppPage> {
  const app = await openApp(browser, options);
  await app.service.dispatch('vault.create', { password: E2E_PASSWORD });
  await app.service.dispatch('vault.unlock', { password: E2E_PASSWORD });
  await app.page.reload();
  await app.page.getByLabel('Search accounts').waitFor();
  return app;
}

/** Issuers of the rows shown, top to bottom. */
export const rowNames = (app: AppPage): Promise<string[]> => app.page.locator('.account .issuer').allTextContents();
