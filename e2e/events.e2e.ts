import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteEncrypted } from '../main/formats/test-support/worst-files.js';
import { REPO_ROOT } from '../main/test-support/facts.js';
import { E2E_PASSWORD, launchChromium, openUnlockedApp, rowNames } from './harness.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

describe('main tells the page (shared/events.ts)', () => {
  it('an account the CLI adds in another process shows in the open app, with no focus change', async () => {
    const app = await openUnlockedApp(browser);
    expect(await app.page.locator('.account').count()).toBe(0);
    const status = await app.service.dispatch('vault.status', {});
    const vault = status.ok ? (status.value as { path: string }).path : '';
    const passwordFile = join(tmpdir(), `latchkey-e2e-events-${String(process.pid)}`);
    writeFileSync(passwordFile, E2E_PASSWORD, { mode: 0o600 });
    // The page is never focused or reloaded below: the change arrives as an event.
    let focused = 0;
    await app.page.exposeFunction('__countFocus', () => ++focused);
    await app.page.evaluate(() => {
      window.addEventListener('focus', () => void (window as unknown as { __countFocus: () => Promise<number> }).__countFocus());
    });
    execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'latchkey.js'), 'add', '--vault', vault, '--password-file', passwordFile, '--uri', '-'], {
      input: 'otpauth://totp/Elsewhere:x?secret=JBSWY3DPEHPK3PXP&issuer=Elsewhere\n',
      encoding: 'utf8',
    });
    await expect.poll(() => rowNames(app), { timeout: 10_000 }).toEqual(['Elsewhere']);
    expect(focused).toBe(0);
  });

  it('a lock reaches the page as an event: the lock screen shows without a reload', async () => {
    const app = await openUnlockedApp(browser);
    let loads = 0;
    app.page.on('load', () => {
      loads++;
    });
    app.service.lock();
    await expect.poll(() => app.page.getByRole('button', { name: 'Unlock' }).isVisible()).toBe(true);
    expect(loads).toBe(0);
  });
});

describe('long operations: progress from main, and Cancel', () => {
  it('a slow encrypted import shows a moving progress bar, and Cancel stops it with nothing written', async () => {
    const app = await openUnlockedApp(browser);
    // An Ente export whose key derivation takes seconds here (Argon2id 256 MiB × 8).
    const file = join(mkdtempSync(join(tmpdir(), 'latchkey-e2e-slow-')), 'ente-export.txt');
    writeFileSync(file, enteEncrypted(8, 256 * 1024 * 1024));
    await app.page.getByRole('button', { name: 'Add', exact: true }).click();
    await app.page.getByRole('button', { name: 'Import', exact: true }).click();
    await app.page.getByLabel('Export file').setInputFiles(file);
    await app.page.getByRole('button', { name: 'Read the export' }).click();
    await expect.poll(() => app.page.getByRole('alert').textContent()).toMatch(/encrypted/);
    await app.page.getByLabel('Export password').fill('not the one, and it does not matter');
    await app.page.getByRole('button', { name: 'Read the export' }).click();
    // Main's stages arrive as op.progress events while the key is derived; the bar has no value (it
    // moves on its own) since a derivation can't say how far along it is.
    const bar = app.page.getByRole('progressbar');
    await expect.poll(() => bar.getAttribute('aria-label'), { timeout: 10_000 }).toMatch(/Argon2id|key/i);
    expect(await bar.evaluate((element) => (element as HTMLProgressElement).position)).toBe(-1);
    await app.page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => app.page.getByRole('alert').textContent()).toBe('Stopped: nothing was imported.');
    expect(await bar.count()).toBe(0);
    const listed = await app.service.dispatch('accounts.list', {});
    expect(listed.ok && (listed.value as { accounts: unknown[] }).accounts).toEqual([]);
  });
});
