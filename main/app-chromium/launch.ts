import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createService, defaultVaultPath, systemClock, watchLinuxScreenLock, type LockPolicy } from '../service/index.js';
import { openAppWindow, profileInUse } from './app-window.js';
import { promptWindows } from './prompt-window.js';
import { APP_ORIGIN, attachApp } from './serve-renderer.js';

/**
 * `npm start` where Electron's binary is missing but a display and Debian's Chromium exist: the same
 * renderer and the same service, in a Chromium app window (no tabs, no address bar) driven over one
 * binding. `--smoke` renders the first screen headless and exits (for CI).
 */
const DIST = fileURLToPath(new URL('../../../renderer/dist', import.meta.url));
const BRIDGE = fileURLToPath(new URL('../../page-bridge.js', import.meta.url));
const smoke = process.argv.includes('--smoke');
/** EX_TEMPFAIL: try again once the other window is closed. */
const ALREADY_OPEN_EXIT = 75;
// As powerMonitor's lock-screen in Electron: the desktop's screen lock (logind, the screensavers, over D-Bus) locks the vault.
let stopScreenLock: (() => void) | undefined;
const screenLock: LockPolicy = { start: (lock) => { if (!smoke) stopScreenLock = watchLinuxScreenLock(lock); } };

// Its own Chromium profile beside the vault (the window's size and place are kept there); a smoke run's is temporary.
const profileDir = smoke ? undefined : join(dirname(defaultVaultPath(process.env)), 'chromium-profile');
if (profileDir !== undefined && profileInUse(profileDir)) {
  process.stderr.write(`latchkey: Latchkey is already open in another window (its Chromium profile ${profileDir} is in use)\n`);
  process.exit(ALREADY_OPEN_EXIT);
}
const appWindow = await openAppWindow({ size: { width: 480, height: 760 }, headless: smoke, ...(profileDir === undefined ? {} : { profileDir }) });
const { page } = appWindow;
// Where a file goes and whether the screen may be captured are asked in windows of main's own.
const service = createService({ clock: systemClock, appVersion: 'latchkey (chromium)', lockPolicy: screenLock, prompts: promptWindows(), watchOtherWriters: true });
await attachApp(page, DIST, readFileSync(BRIDGE, 'utf8'), (channel, payload) => service.dispatch(channel, payload), (listener) => service.onEvent(listener));
let closing = false;
// As in Electron: whatever locked the vault, the page starts over at the lock screen, and whatever it
// held (a details dialog with a revealed secret) is gone.
service.onLock(() => {
  if (closing || page.isClosed()) return;
  page.goto(`${APP_ORIGIN}/index.html`).catch((error: unknown) => {
    if (!closing && !page.isClosed()) process.stderr.write(`latchkey: could not reload the page after the lock: ${String(error)}\n`);
  });
});
if (smoke) {
  await page.locator('#root > *').first().waitFor({ timeout: 15_000 });
  process.stdout.write(`smoke: rendered "${(await page.locator('h1').first().textContent()) ?? ''}"\n`);
} else {
  await new Promise<void>((resolve) => page.once('close', () => { resolve(); }));
}
closing = true;
stopScreenLock?.();
await service.shutdown();
await appWindow.close();
