import { execFileSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../main/app-chromium/serve-renderer.js';
import { fakeDesktop, type FakeDesktop } from '../main/service/desktop/desktop-fake.js';
import { testClock } from '../main/vault/test-support/test-runtime.js';
import { E2E_PASSWORD, launchChromium, openUnlockedApp, type AppPage } from './harness.js';

/**
 * Issue 18 item 5 through the faked desktop (main/service/desktop/desktop-fake.ts): the tray menu,
 * the shortcut chosen on the tray's first use, quick search (the same page at #quick), hide codes,
 * content protection's note, the second launch. Electron's own tray and windows are not here.
 */
const SECRET = 'JBSWY3DPEHPK3PXP';
let browser: Browser;
// Type-the-code must never type into a real display from a test: this process has none (the reason is then known).
const display = { DISPLAY: process.env['DISPLAY'], WAYLAND_DISPLAY: process.env['WAYLAND_DISPLAY'] };

beforeAll(async () => {
  delete process.env['DISPLAY'];
  delete process.env['WAYLAND_DISPLAY'];
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  for (const [name, value] of Object.entries(display)) if (value !== undefined) process.env[name] = value;
});

interface DesktopApp extends AppPage {
  readonly desktop: FakeDesktop;
  readonly ids: { readonly github: string; readonly mail: string };
}

async function openDesktopApp(): Promise<DesktopApp> {
  const desktop = fakeDesktop({ taken: ['Ctrl+Alt+L'] });
  const app = await openUnlockedApp(browser, { clock: testClock(1_700_000_000_000), desktop });
  app.service.desktop.start();
  const add = async (issuer: string, label: string, tags: string[]) => {
    const reply = await app.service.dispatch('accounts.add', { uri: `otpauth://totp/${issuer}:${label}?secret=${SECRET}&issuer=${issuer}`, tags, onDuplicate: 'add' });
    if (!reply.ok) throw new Error(reply.error.message);
    return (reply.value as { account: { id: string } }).account.id;
  };
  const ids = { github: await add('GitHub', 'alice', ['pinned']), mail: await add('Mail', 'alice', []) };
  await app.page.reload();
  await expect.poll(() => app.page.locator('.account').count()).toBe(2);
  return { ...app, desktop, ids };
}

/** The quick window's page: the same page at #quick (a hash change alone would not load it again). */
async function openQuickPage(app: AppPage): Promise<void> {
  await app.page.goto(`${APP_ORIGIN}/index.html#quick`);
  await app.page.reload();
}

const trayLabels = (desktop: FakeDesktop) => (desktop.menu() ?? []).map((item) => (item.kind === 'separator' ? '—' : item.label));
const oathtool = (at: number) => execFileSync('oathtool', ['--totp', '-b', SECRET, '-N', `@${String(at)}`], { encoding: 'utf8' }).trim();

describe('desktop integration, through the faked desktop', () => {
  it('the tray lists pinned and recent accounts and copies on click; locked, it offers Unlock and Quit only', async () => {
    const app = await openDesktopApp();
    await expect.poll(() => trayLabels(app.desktop)).toEqual(['Pinned', 'GitHub (alice)', '—', 'Open Latchkey', 'Lock', 'Choose a quick-search shortcut…', '—', 'Quit']);
    app.desktop.clickTray({ kind: 'account', id: app.ids.mail });
    await expect.poll(() => app.clipboard.text).toBe(oathtool(1_700_000_000));
    await expect.poll(() => trayLabels(app.desktop).slice(3, 5)).toEqual(['Recent', 'Mail (alice)']);
    // The tray's Lock locks the page too.
    app.desktop.clickTray({ kind: 'action', action: 'lock' });
    await app.page.getByLabel('Password').waitFor();
    await expect.poll(() => trayLabels(app.desktop)).toEqual(['Unlock Latchkey…', '—', 'Quit']);
  });

  it('the first use of the tray asks for the shortcut in Settings; a taken one is said, a free one is registered', async () => {
    const app = await openDesktopApp();
    app.desktop.clickTray({ kind: 'action', action: 'open' });
    const recorder = app.page.getByRole('button', { name: 'Record the quick-search shortcut' });
    await expect.poll(() => recorder.evaluate((element) => element === document.activeElement)).toBe(true);
    await app.page.keyboard.press('Control+Alt+KeyL');
    await expect.poll(() => app.page.locator('section[aria-label="Desktop"] [role=alert]').textContent()).toBe('Ctrl+Alt+L is already used by the desktop or another app; choose another.');
    expect(app.desktop.registered()).toBeUndefined();
    await recorder.click();
    await app.page.keyboard.press('Control+Shift+KeyK');
    await expect.poll(() => recorder.textContent()).toBe('Ctrl+Shift+K');
    expect(app.desktop.registered()).toBe('Ctrl+Shift+K');
    await expect.poll(() => trayLabels(app.desktop)).not.toContain('Choose a quick-search shortcut…');
    app.desktop.pressShortcut();
    expect(app.desktop.quickVisible()).toBe(true);
  });

  it('quick search: typing finds, Enter copies and hides, Esc hides, Shift+Enter says why typing is not possible; locked, only Unlock', async () => {
    const app = await openDesktopApp();
    await openQuickPage(app);
    const search = app.page.getByLabel('Quick search');
    await search.fill('mail');
    await expect.poll(() => app.page.getByRole('option').allTextContents()).toEqual([expect.stringMatching(/^Mailalice/) as unknown]);
    app.desktop.windows.showQuick();
    await search.press('Enter');
    await expect.poll(() => app.clipboard.text).toBe(oathtool(1_700_000_000));
    expect(app.desktop.quickVisible()).toBe(false);
    app.desktop.windows.showQuick();
    await search.press('Escape');
    await expect.poll(() => app.desktop.quickVisible()).toBe(false);
    // Opted in, on a machine with no display (this one): the reason, not a silent failure.
    await app.service.dispatch('desktop.set', { typeCode: true });
    await search.press('Shift+Enter');
    await expect.poll(() => app.page.getByRole('alert').textContent()).toBe('No graphical session (neither WAYLAND_DISPLAY nor DISPLAY is set).');
    await app.service.dispatch('vault.lock', {});
    await openQuickPage(app);
    await app.page.getByRole('button', { name: 'Unlock' }).click();
    expect(await app.page.locator('main').textContent()).toBe('Latchkey is locked.Unlock');
    await expect.poll(() => app.desktop.mainShown()).toBe(1);
  });

  it('hide codes shows dots until the row is hovered; content protection says it does nothing on Linux; a second launch restores the window', async () => {
    const app = await openDesktopApp();
    await app.page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => app.page.getByTestId('content-protection-note').textContent()).toBe('Linux does not honour this: it does nothing here. Use “Hide codes” when you share your screen.');
    await app.page.getByLabel('Hide codes until pointed at or focused (for screen sharing)').check();
    await app.page.keyboard.press('Escape');
    const firstCode = app.page.getByTestId('code').first();
    await app.page.mouse.move(0, 0);
    await expect.poll(() => firstCode.innerText()).toBe('••••••');
    await firstCode.hover();
    await expect.poll(() => firstCode.innerText()).toMatch(/^\d{3} \d{3}$/);
    app.desktop.launchAgain();
    expect(app.desktop.mainShown()).toBe(1);
    // The preference is the desktop file's, kept through a lock and an unlock.
    await app.service.dispatch('vault.lock', {});
    await app.service.dispatch('vault.unlock', { password: E2E_PASSWORD });
    await app.page.reload();
    await app.page.mouse.move(0, 0);
    await expect.poll(() => app.page.getByTestId('code').first().innerText()).toBe('••••••');
  });
});
