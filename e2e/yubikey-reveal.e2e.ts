import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type AppPage } from './harness.js';
import { KEY_VAULT_PASSWORD as PASSWORD, keyOnlyVault, type KeyOnlyVault } from './key-only-vault.js';

/**
 * Revealing a secret on a vault whose only password slot is password+YubiKey: the password check is a
 * long operation, so the details panel says "Touch your YubiKey…" while the key waits (main's
 * op.progress {needsTouch} on the reveal's opId) and shows the secret after the touch; its Cancel
 * stops the wait and shows nothing.
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

/** The key-only vault, unlocked, on the list. */
async function unlockedKeyOnlyVault(): Promise<KeyOnlyVault> {
  const vault = await keyOnlyVault(browser);
  await vault.app.page.reload();
  await vault.app.page.getByText('alice').waitFor();
  return vault;
}

/** Opens the account's details and asks to reveal its secret with the vault password. */
async function askToReveal(app: AppPage): Promise<void> {
  await app.page.getByRole('button', { name: 'Details for ACME alice' }).click();
  await app.page.getByRole('button', { name: 'Reveal secret and QR code…' }).click();
  await app.page.getByLabel('Vault password').fill(PASSWORD);
  await app.page.getByRole('button', { name: 'Reveal' }).click();
}

describe('revealing a secret on a password+YubiKey vault in the app', () => {
  it('asks for the touch while the key waits, then shows the secret', async () => {
    const { app, key } = await unlockedKeyOnlyVault();
    await askToReveal(app);
    await app.page.getByText('Touch your YubiKey…').waitFor();
    expect(await app.page.getByTestId('secret').count()).toBe(0);
    key.current?.touch();
    await expect.poll(() => app.page.getByTestId('secret').textContent()).toBe('JBSW Y3DP EHPK 3PXP');
    expect(await app.page.getByText('Touch your YubiKey…').count()).toBe(0);
  });

  it('Cancel during the touch wait shows no secret and no error; the next reveal works', async () => {
    const { app, key } = await unlockedKeyOnlyVault();
    await askToReveal(app);
    const progress = app.page.locator('.operation');
    await progress.getByText('Touch your YubiKey…').waitFor();
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await progress.waitFor({ state: 'detached' });
    expect(await app.page.getByTestId('secret').count()).toBe(0);
    expect(await app.page.getByRole('dialog').getByRole('alert').count()).toBe(0);
    // The key stopped waiting: a touch now would answer nothing; the next reveal asks again.
    await app.page.getByLabel('Vault password').fill(PASSWORD);
    await app.page.getByRole('button', { name: 'Reveal' }).click();
    await progress.getByText('Touch your YubiKey…').waitFor();
    key.current?.touch();
    await expect.poll(() => app.page.getByTestId('secret').textContent()).toBe('JBSW Y3DP EHPK 3PXP');
  });
});
