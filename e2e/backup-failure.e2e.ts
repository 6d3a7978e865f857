import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_PASSWORD, launchChromium, openUnlockedApp } from './harness.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

describe('a failed automatic backup on the main screen (issue 13 item 2)', () => {
  it('shows above the accounts as it happens, when and why, and goes once a backup works', async () => {
    const app = await openUnlockedApp(browser);
    const banner = app.page.getByRole('alert').filter({ hasText: 'The last automatic backup failed' });
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-e2e-auto-'));
    const password = 'amber walrus quietly juggles 42 kites';
    expect((await app.service.dispatch('backup.auto.configure', { folder, password, keep: 3, vaultPassword: E2E_PASSWORD })).ok).toBe(true);
    expect((await app.service.dispatch('backup.auto.run', {})).ok).toBe(true);
    expect(await banner.count()).toBe(0);

    // The folder goes (a USB stick pulled out); the next backup fails, and the page is told.
    rmSync(folder, { recursive: true });
    expect(await app.service.dispatch('backup.auto.run', {})).toMatchObject({ ok: false, error: { code: 'IO_ERROR' } });
    await expect.poll(() => banner.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await banner.textContent()).toContain(`cannot write a backup in ${folder}: it does not exist`);
    // Above the accounts list.
    const bannerBox = await banner.boundingBox();
    const listBox = await app.page.locator('main').last().boundingBox();
    expect(bannerBox !== null && listBox !== null && bannerBox.y < listBox.y + 1).toBe(true);

    const next = mkdtempSync(join(tmpdir(), 'latchkey-e2e-auto-'));
    expect((await app.service.dispatch('backup.auto.configure', { folder: next, password, keep: 3, vaultPassword: E2E_PASSWORD })).ok).toBe(true);
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(0);
  });
});
