import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatedYubiKeyOtpBackend, type EmulatedYubiKeyOtpBackend } from '../main/keys/emulators/yubikey-otp.js';
import { createDevices } from '../main/service/devices.js';
import { launchChromium, openApp, type AppPage } from './harness.js';

/**
 * Issue 15, item 5, in the app: a vault whose only password slot is password+YubiKey. The unlock
 * screen says "Touch your YubiKey…" while the key waits (main's op.progress {needsTouch}), and the
 * list follows the touch; with the key lost, the recovery key opens it and the new password can be
 * set after removing the key's slot.
 */
const PASSWORD = 'e2e vault password with a key';
const NEW_PASSWORD = 'correct horse battery staple 7';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

interface KeyVault {
  readonly app: AppPage;
  readonly key: EmulatedYubiKeyOtpBackend;
  readonly recoveryKey: string;
  readonly call: (channel: string, payload: unknown) => Promise<unknown>;
}

/** One account, a key whose slot 2 answers after a touch, and the plain password slot removed; locked, on the unlock screen. */
async function keyOnlyVault(): Promise<KeyVault> {
  // The key waits until touched by hand (key.current.touch()), as a real one waits for a finger.
  const key = createEmulatedYubiKeyOtpBackend({ touchPolicy: { kind: 'never' } });
  const app = await openApp(browser, { keys: { devices: createDevices({ backend: key }) } });
  const call = async (channel: string, payload: unknown) => {
    const reply = await app.service.dispatch(channel, payload);
    if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
    return reply.value;
  };
  const { recoveryKey } = (await call('vault.create', { password: PASSWORD })) as { recoveryKey: string };
  await call('vault.unlock', { password: PASSWORD });
  await call('accounts.add', { uri: 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME' });
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
  await call('vault.lock', {});
  await app.page.reload();
  await app.page.getByRole('button', { name: 'Unlock' }).waitFor();
  return { app, key, recoveryKey, call };
}

describe('unlocking a password+YubiKey vault in the app', () => {
  it('asks for the touch while the key waits, then shows the list', async () => {
    const { app, key } = await keyOnlyVault();
    const { page } = app;
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('Touch your YubiKey…').waitFor();
    key.current?.touch();
    await page.getByText('alice').waitFor();
  });

  it('without the key: the recovery key opens, and the new password is set once the key slot may go', async () => {
    const { app, key, recoveryKey, call } = await keyOnlyVault();
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
