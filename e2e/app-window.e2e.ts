import { existsSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appWindowArgs, openAppWindow } from '../main/app-chromium/app-window.js';
import { APP_ORIGIN, attachApp } from '../main/app-chromium/serve-renderer.js';
import { createService, systemClock } from '../main/service/index.js';
import { tempVaultPath } from '../main/vault/test-support/test-runtime.js';
import { PAGE_BRIDGE, RENDERER_DIST } from './harness.js';

/**
 * `npm start`'s Chromium fallback opens an app window (`--app`: no tabs, no address bar, no "Not
 * secure" badge) with its own profile, and the page fills the window: no fixed 420 px viewport
 * leaving a white strip beside it. Headless here (CI has no display); the README says what the
 * window looks like under Xvfb.
 */
describe('the Chromium fallback window', () => {
  it('is an app window of its own profile, and the page covers the whole window in its own background', async () => {
    const args = appWindowArgs({ width: 640, height: 520 });
    expect(args).toContain('--app=data:text/html,');
    expect(args).toContain('--window-size=640,520');

    const appWindow = await openAppWindow({ size: { width: 640, height: 520 }, headless: true });
    const service = createService({ clock: systemClock, appVersion: 'e2e', vaultPath: tempVaultPath(), prompts: { pickPath: () => Promise.resolve(undefined), confirmCapture: () => Promise.resolve(false) } });
    try {
      // Its own profile folder (a temporary one here), not the user's browser profile.
      expect(existsSync(appWindow.profileDir)).toBe(true);
      expect(appWindow.page.viewportSize()).toBeNull();
      const { page } = appWindow;
      await attachApp(page, RENDERER_DIST, readFileSync(PAGE_BRIDGE, 'utf8'), (channel, payload) => service.dispatch(channel, payload));
      await page.getByRole('heading', { name: 'Welcome to Latchkey' }).waitFor();
      expect(new URL(page.url()).origin).toBe(APP_ORIGIN);

      const size = await page.evaluate(() => ({ width: innerWidth, height: innerHeight, scrollWidth: document.documentElement.scrollWidth }));
      // The page is as wide as the window (a fixed 420 px viewport was not), with nothing to scroll sideways.
      expect(size.width).toBe(640);
      expect(size.height).toBeGreaterThan(400);
      expect(size.scrollWidth).toBe(size.width);

      // Every corner of the window shows the page's own background (no white strip).
      const shot = await sharp(await page.screenshot()).raw().toBuffer({ resolveWithObject: true });
      const pixel = (x: number, y: number) => [...shot.data.subarray((y * shot.info.width + x) * shot.info.channels, (y * shot.info.width + x) * shot.info.channels + 3)];
      const { width, height } = shot.info;
      expect(width).toBe(640);
      const background = pixel(1, 1);
      expect(background).not.toEqual([255, 255, 255]);
      for (const [x, y] of [[width - 2, 1], [1, height - 2], [width - 2, height - 2], [width - 2, Math.floor(height / 2)]] as const) expect(pixel(x, y)).toEqual(background);
    } finally {
      await service.shutdown();
      await appWindow.close();
    }
  });

  it('a temporary profile is removed when the window closes', async () => {
    const appWindow = await openAppWindow({ size: { width: 300, height: 300 }, headless: true });
    expect(existsSync(appWindow.profileDir)).toBe(true);
    await appWindow.close();
    expect(existsSync(appWindow.profileDir)).toBe(false);
  });
});
