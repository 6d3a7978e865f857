import type { Browser } from 'playwright-core';
import { createEmulatedYubiKeyOtpBackend, type EmulatedYubiKeyOtpBackend } from '../main/keys/emulators/yubikey-otp.js';
import { createDevices } from '../main/service/devices.js';
import { openApp, type AppPage } from './harness.js';
import { callService } from './service-call.js';

export const KEY_VAULT_PASSWORD = 'e2e vault password with a key';
const KEY_VAULT_SECRET = 'JBSWY3DPEHPK3PXP';

export interface KeyOnlyVault {
  readonly app: AppPage;
  readonly key: EmulatedYubiKeyOtpBackend;
  readonly recoveryKey: string;
}

/**
 * A vault whose only password slot is password+YubiKey: one account (ACME alice), an emulated key
 * whose slot 2 waits until touched by hand (key.current.touch(), as a real one waits for a finger),
 * the plain password slot removed. Left unlocked, the page not yet showing it.
 */
export async function keyOnlyVault(browser: Browser): Promise<KeyOnlyVault> {
  const key = createEmulatedYubiKeyOtpBackend({ touchPolicy: { kind: 'never' } });
  const app = await openApp(browser, { keys: { devices: createDevices({ backend: key }) } });
  const call = (channel: string, payload: unknown) => callService(app, channel, payload);
  const { recoveryKey } = (await call('vault.create', { password: KEY_VAULT_PASSWORD })) as { recoveryKey: string };
  await call('vault.unlock', { password: KEY_VAULT_PASSWORD });
  await call('accounts.add', { uri: `otpauth://totp/ACME:alice?secret=${KEY_VAULT_SECRET}&issuer=ACME` });
  await call('keys.program', { slot: 2, credential: { kind: 'challenge-response', touch: true } });
  const touchWait = new Promise<void>((resolve) => {
    const stop = app.service.onEvent((name, payload) => {
      if (name === 'op.progress' && (payload as { needsTouch?: boolean }).needsTouch === true) {
        stop();
        resolve();
      }
    });
  });
  const adding = call('vault.addKeySlot', { password: KEY_VAULT_PASSWORD, removePasswordSlot: true, opId: 'add-key' });
  await touchWait;
  key.current?.touch();
  await adding;
  return { app, key, recoveryKey };
}
