import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness.js';
import { KEY_VAULT_PASSWORD as PASSWORD, keyOnlyVault, type KeyOnlyVault } from './key-only-vault.js';
import { callService } from './service-call.js';

/**
 * Issue 15, item 5, in the app: a vault whose only password slot is password+YubiKey. The unlock
 * screen says "Touch your YubiKey…" while the key waits (main's op.progress {needsTouch}), and the
 * list follows the touch; with the key lost, the recovery key opens it and the new password can be
 * set after removing the key's slot.
 */
const NEW_PASSWORD = 'correct horse battery staple 7';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

/** The key-only vault, locked, on the unlock screen. */
async function lockedKeyOnlyVault(): Promise<KeyOnlyVault & { readonly call: (channel: string, payload: unknown) => Promise<unknown> }> {
  const vault = await keyOnlyVault(browser);
  const call = (channel: string, payload: unknown) => callService(vault.app, channel, payload);
  await call('vault.lock', {});
  await vault.app.page.reload();
  await vault.app.page.getByRole('button', { name: 'Unlock' }).waitFor();
  return { ...vault, call };
}

describe('unlocking a password+YubiKey vault in the app', () => {
  it('asks for the touch while the key waits, then shows the list', async () => {
    const { app, key } = await lockedKeyOnlyVault();
    const { page } = app;
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('Touch your YubiKey…').waitFor();
    key.current?.touch();
    await page.getByText('alice').waitFor();
  });

  it('without the key: the recovery key opens, and the new password is set once the key slot may go', async () => {
    const { app, key, recoveryKey, call } = await lockedKeyOnlyVault();
    const { page } = app;
    key.unplug();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('this vault needs its YubiKey; plug it in or use the recovery key', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Forgot the password? Use the recovery key' }).click();
    await page.getByLabel('Recovery key').fill(recoveryKey);
    await page.getByRole('button', { name: 'Unlock' }).click();
    const dialog = page.getByRole('dialog', { name: 'Opened with the recovery key' });
    await dialog.getByLabel('New password').fill(NEW_PASSWORD);
    await dialog.getByLabel('Repeat it').fill(NEW_PASSWORD);
    await dialog.getByRole('button', { name: 'Set the new password' }).click();
    await dialog.getByRole('button', { name: 'Remove the YubiKey slots and set the password' }).click();
    await dialog.getByText('The new password is set.').waitFor();
    const { slots } = (await call('vault.slots', {})) as { slots: { kind: string }[] };
    expect(slots.map((slot) => slot.kind).sort()).toEqual(['password', 'recovery']);
  });
});
