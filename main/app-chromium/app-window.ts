import { mkdirSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export interface WindowSize {
  readonly width: number;
  readonly height: number;
}

export interface AppWindow {
  readonly context: BrowserContext;
  /** The window's one page (what `--app` opened). */
  readonly page: Page;
  /** Chromium's profile folder for this window. */
  readonly profileDir: string;
  /** Closes the window's Chromium and removes its profile when it was a temporary one. */
  close(): Promise<void>;
}

/** The Chromium of `npm start`'s fallback: Debian's, unless LATCHKEY_CHROMIUM names another. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env['LATCHKEY_CHROMIUM'] ?? '/usr/bin/chromium';
}

/**
 * The Chromium flags of an app window: `--app` gives a window without tabs, address bar or
 * security badge (the page's origin is served by Playwright's router, so it is plain http), its
 * own profile keeps it apart from the user's browser, and nothing reaches the network.
 */
export function appWindowArgs(size: WindowSize): string[] {
  return [
    // A blank start page: the app's own URL is routed only once the page is attached (serve-renderer.ts).
    '--app=data:text/html,',
    `--window-size=${String(size.width)},${String(size.height)}`,
    '--class=Latchkey',
    '--no-sandbox',
    // Without it Chromium puts an "unsupported command-line flag" bar over the page for --no-sandbox.
    '--test-type=',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
  ];
}

/**
 * Whether a running Chromium holds the profile (its SingletonLock names `host-pid`). A second
 * Chromium on the same profile would hand its --app over to the first and open a blank window there.
 */
export function profileInUse(profileDir: string): boolean {
  let target: string;
  try {
    target = readlinkSync(join(profileDir, 'SingletonLock'));
  } catch {
    return false;
  }
  const pid = Number(target.slice(target.lastIndexOf('-') + 1));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Opens an app window in its own Chromium process with its own profile: `profileDir` (made 0700 if
 * missing) or, when undefined, a temporary one removed on close. The page fills the window
 * (no fixed viewport), as a desktop window's content does.
 */
export async function openAppWindow(options: { size: WindowSize; profileDir?: string; headless?: boolean }): Promise<AppWindow> {
  const temporary = options.profileDir === undefined;
  const profile = options.profileDir ?? mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));
  mkdirSync(profile, { recursive: true, mode: 0o700 });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: options.headless ?? false,
      viewport: null,
      // The desktop's light or dark preference, as Electron's window would follow it (Playwright pins light otherwise).
      colorScheme: null,
      // No "controlled by automated test software" bar over the app.
      ignoreDefaultArgs: ['--enable-automation'],
      args: appWindowArgs(options.size),
    });
  } catch (error) {
    if (temporary) rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    profileDir: profile,
    close: async () => {
      // The user may have closed the window already, and Chromium with it.
      await context.close().catch(() => undefined);
      if (temporary) rmSync(profile, { recursive: true, force: true });
    },
  };
}
