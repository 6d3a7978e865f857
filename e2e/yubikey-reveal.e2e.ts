import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatedYubiKeyOtpBackend, type EmulatedYubiKeyOtpBackend } from '../main/keys/emulators/yubikey-otp.js';
import { createDevices } from '../main/service/devices.js';
import { launchChromium, openApp, type AppPage } from './harness.js';

/**
 * Revealing a secret on a vault whose only password slot is password+YubiKey: the password check is a
 * long operation, so the details panel says "Touch your YubiKey…" while the key waits (main's
 * op.progress {needsTouch} on the reveal's opId) and shows the secret after the touch; its Cancel
 * stops the wait and shows nothing.
 */
const PASSWORD = 'e2e vault password with a key';
const SECRET = 'JBSWY3DPEHPK3PXP';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

/** One account, a key whose slot 2 answers after a touch by hand, the plain password slot removed; unlocked, on the list. */
async function unlockedKeyOnlyVault(): Promise<{ app: AppPage; key: EmulatedYubiKeyOtpBackend }> {
  const key = createEmulatedYubiKeyOtpBackend({ touchPolicy: { kind: 'never' } });
  const app = await openApp(browser, { keys: { devices: createDevices({ backend: key }) } });
  const call = async (channel: string, payload: unknown) => {
    const reply = await app.service.dispatch(channel, payload);
    if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
    return reply.value;
  };
  await call('vault.create', { password: PASSWORD });
  await call('vault.unlock', { password: PASSWORD });
  await call('accounts.add', { uri: `otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME` });
  await call('keys.program', { slot: 2, credential: { kind: 'challenge-response', touch: true } });
  const touchWait = new Promise<void>((resolve) => {
    const stop = app.service.onEvent((name, payload) => {
      if (name === 'op.progress' && (payload as { needsTouch?: boolean }).needsTouch === true) {
        stop();
        resolve();
      }
    });
  });
  const adding = call('vault.addKeySlot', { password: PASSWORD, removePasswordSlot: true, opId: 'add-key' });
  await touchWait;
  key.current?.touch();
  await adding;
  await app.page.reload();
  await app.page.getByText('alice').waitFor();
  return { app, key };
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
