import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createEmulatedYubiKeyOtpBackend } from '../main/keys/emulators/yubikey-otp.js';
import { createDevices } from '../main/service/devices.js';
import { launchChromium, openApp } from './harness.js';

/**
 * Issue 15, item 5, in the app: a vault whose only password slot is password+YubiKey. The unlock
 * screen says "Touch your YubiKey…" while the key waits (main's op.progress {needsTouch}), and the
 * list follows the touch.
 */
const PASSWORD = 'e2e vault password with a key';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

describe('unlocking a password+YubiKey vault in the app', () => {
  it('asks for the touch while the key waits, then shows the list', async () => {
    // The key waits until touched by hand (key.current.touch()), as a real one waits for a finger.
    const key = createEmulatedYubiKeyOtpBackend({ touchPolicy: { kind: 'never' } });
    const app = await openApp(browser, { keys: { devices: createDevices({ backend: key }) } });
    const call = async (channel: string, payload: unknown) => {
      const reply = await app.service.dispatch(channel, payload);
      if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
      return reply.value;
    };
    await call('vault.create', { password: PASSWORD });
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

    const { page } = app;
    await page.reload();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('Touch your YubiKey…').waitFor();
    key.current?.touch();
    await page.getByText('alice').waitFor();
  });
});
