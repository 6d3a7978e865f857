import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatedYubiKeyOtpBackend } from '../main/keys/emulators/yubikey-otp.js';
import { createDevices } from '../main/service/devices.js';
import { heldKdf } from '../main/vault/test-support/held-kdf.js';
import { desktopWithKeyring, fakeKeyring } from './fake-keyring.js';
import { E2E_PASSWORD, launchChromium, openUnlockedApp, type AppPage, type OpenAppOptions } from './harness.js';
import { callService as call } from './service-call.js';

/**
 * Vault settings (issue 18 §3) against the real service and a real vault file: each change behind the
 * vault password again, the YubiKey slot with its touch on an emulated key, the keyring slot through a
 * faked safeStorage (and refused on Linux's basic_text backend), the vault check, a full rekey.
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

/** An unlocked vault with one account, the Vault panel open. */
async function openVaultSettings(options: OpenAppOptions = {}): Promise<AppPage> {
  const app = await openUnlockedApp(browser, options);
  await call(app, 'accounts.add', { uri: 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME' });
  await app.page.getByRole('button', { name: 'Settings' }).click();
  await app.page.getByRole('button', { name: 'Vault: password, keys, keyring…' }).click();
  await app.page.getByRole('heading', { name: 'Ways into the vault' }).waitFor();
  return app;
}

const section = (app: AppPage, title: string) => app.page.getByRole('region', { name: title });

describe('vault settings', () => {
  it('changes the password after the current one; the vault then opens with the new one only', async () => {
    const app = await openVaultSettings();
    const form = app.page.getByTestId('change-password');
    await form.getByLabel('Current password').fill('not the password');
    await form.getByLabel('New password').fill('a much better vault passphrase');
    await form.getByLabel('Repeat it').fill('a much better vault passphrase');
    await form.getByRole('button', { name: 'Change the password' }).click();
    await section(app, 'Password').getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor();

    await form.getByLabel('Current password').fill(E2E_PASSWORD);
    await form.getByRole('button', { name: 'Change the password' }).click();
    await section(app, 'Password').getByText('The password is changed.').waitFor();
    await call(app, 'vault.lock', {});
    expect((await app.service.dispatch('vault.unlock', { password: E2E_PASSWORD })).ok).toBe(false);
    expect((await app.service.dispatch('vault.unlock', { password: 'a much better vault passphrase' })).ok).toBe(true);
  });

  it('shows a new recovery key after the password, and that key opens the vault', async () => {
    const app = await openVaultSettings();
    const form = app.page.getByTestId('new-recovery-key-form');
    await form.getByLabel('Vault password').fill(E2E_PASSWORD);
    await form.getByRole('button', { name: 'Show a new recovery key' }).click();
    const shown = (await app.page.getByTestId('new-recovery-key').textContent()) ?? '';
    expect(shown).toMatch(/^([A-Z2-7]{4}-){13}[A-Z2-7]{4}$/);
    await call(app, 'vault.lock', {});
    expect((await app.service.dispatch('vault.unlock', { recoveryKey: shown })).ok).toBe(true);
  });

  it('adds a password+YubiKey slot with the touch prompt on the emulated key, then removes it', async () => {
    const key = createEmulatedYubiKeyOtpBackend({ touchPolicy: { kind: 'never' } });
    const app = await openVaultSettings({ keys: { devices: createDevices({ backend: key }) } });
    await call(app, 'keys.program', { slot: 2, credential: { kind: 'challenge-response', touch: true } });
    const slots = section(app, 'Ways into the vault');
    await slots.getByRole('button', { name: 'Add a password + YubiKey slot…' }).click();
    await slots.getByLabel('Vault password').fill(E2E_PASSWORD);
    await slots.getByRole('button', { name: 'Add the plugged-in YubiKey' }).click();
    await slots.getByText('Touch your YubiKey…').waitFor();
    key.current?.touch();
    await slots.getByText(/^Added: Password and YubiKey \(serial \d+, slot 2\)/).waitFor();
    await expect.poll(() => app.page.getByTestId('slot-list').locator('li').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^Password and YubiKey/)]));

    await slots.locator('li', { hasText: 'Password and YubiKey' }).getByRole('button', { name: 'Remove…' }).click();
    await slots.getByTestId('remove-slot-form').getByLabel('Vault password').fill(E2E_PASSWORD);
    await slots.getByRole('button', { name: 'Remove Password and YubiKey' }).click();
    await slots.getByText(/^Removed: Password and YubiKey/).waitFor();
    expect(((await call(app, 'vault.slots', {})) as { slots: { kind: string }[] }).slots.map((slot) => slot.kind).sort()).toEqual(['password', 'recovery']);
  });

  it('turns the keyring unlock on, unlocks with it, asks for the password after 7 days, and turns it off', async () => {
    const keyring = fakeKeyring();
    const app = await openVaultSettings({ desktop: desktopWithKeyring(keyring) });
    const part = section(app, 'Unlock with the system keyring');
    await part.getByLabel('Vault password').fill(E2E_PASSWORD);
    await part.getByRole('button', { name: 'Turn on' }).click();
    await part.getByText('The keyring unlock is on.').waitFor();
    expect(keyring.encrypted).toHaveLength(1);

    await call(app, 'vault.lock', {});
    await app.page.getByRole('button', { name: 'Unlock with the system keyring' }).click();
    await app.page.getByLabel('Search accounts').waitFor();
    expect(keyring.decrypts).toBe(1);

    await call(app, 'vault.lock', {});
    app.clock.advance(7 * 24 * 3600 * 1000);
    await app.page.getByRole('button', { name: 'Unlock with the system keyring' }).click();
    await app.page.getByText('It has been 7 days since the password was typed').waitFor();
    await app.page.getByLabel('Password', { exact: true }).fill(E2E_PASSWORD);
    await app.page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await app.page.getByLabel('Search accounts').waitFor();

    await app.page.getByRole('button', { name: 'Settings' }).click();
    await app.page.getByRole('button', { name: 'Vault: password, keys, keyring…' }).click();
    await part.getByTestId('keyring-off-form').getByLabel('Vault password').fill(E2E_PASSWORD);
    await part.getByRole('button', { name: 'Turn off' }).click();
    await part.getByText('The keyring unlock is off').waitFor();
    expect(((await call(app, 'vault.slots', {})) as { slots: { kind: string }[] }).slots.map((slot) => slot.kind)).not.toContain('keyring');
  });

  it('drops the keyring slot with a password change', async () => {
    const app = await openVaultSettings({ desktop: desktopWithKeyring(fakeKeyring()) });
    await call(app, 'vault.keyring.enable', { password: E2E_PASSWORD });
    await call(app, 'vault.changePassword', { current: E2E_PASSWORD, next: 'a much better vault passphrase' });
    expect(await call(app, 'vault.keyring.status', {})).toMatchObject({ enabled: false });
    await call(app, 'vault.lock', {});
    await app.page.reload();
    await app.page.getByLabel('Password', { exact: true }).waitFor();
    expect(await app.page.getByRole('button', { name: 'Unlock with the system keyring' }).count()).toBe(0);
  });

  it('refuses the keyring on Linux’s basic_text backend, saying why', async () => {
    const app = await openVaultSettings({ desktop: desktopWithKeyring(fakeKeyring({ encryptionAvailable: true, platform: 'linux', backend: 'basic_text' })) });
    await expect.poll(() => app.page.getByTestId('keyring-refused').textContent()).toMatch(/basic_text, which protects nothing/);
    expect((await app.service.dispatch('vault.keyring.enable', { password: E2E_PASSWORD })).ok).toBe(false);
  });

  it('checks the vault: the manifest OK, then a row deleted outside Latchkey shown as a mismatch', async () => {
    const app = await openVaultSettings();
    const part = section(app, 'Check the vault');
    await part.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => app.page.getByTestId('verify-report').getAttribute('data-manifest')).toBe('ok');
    await part.getByText('Manifest: OK. 1 account checked.').waitFor();

    const { path } = (await call(app, 'vault.status', {})) as { path: string };
    const db = new Database(path);
    db.prepare('DELETE FROM entries').run();
    db.close();
    await part.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => app.page.getByTestId('verify-report').getAttribute('data-manifest')).toBe('mismatch');
    await part.getByText(/^Manifest: MISMATCH/).waitFor();
  });

  it('rekeys after the password, shows the new recovery key, and the old one no longer opens the vault', async () => {
    const app = await openVaultSettings();
    const old = ((await call(app, 'vault.recoveryKey', { password: E2E_PASSWORD })) as { recoveryKey: string }).recoveryKey;
    const part = section(app, 'Rekey the vault');
    await part.getByRole('button', { name: 'Rekey…' }).click();
    await part.getByText('YubiKey and keyring slots are removed').waitFor();
    await part.getByLabel('Vault password').fill(E2E_PASSWORD);
    await part.getByRole('button', { name: 'Rekey now' }).click();
    const fresh = (await part.getByTestId('new-recovery-key').textContent()) ?? '';
    expect(fresh).toMatch(/^([A-Z2-7]{4}-){13}[A-Z2-7]{4}$/);
    expect(fresh).not.toBe(old);
    await call(app, 'vault.lock', {});
    expect((await app.service.dispatch('vault.unlock', { recoveryKey: old })).ok).toBe(false);
    expect((await app.service.dispatch('vault.unlock', { recoveryKey: fresh })).ok).toBe(true);
    expect(((await call(app, 'accounts.list', {})) as { accounts: { issuer: string }[] }).accounts.map((account) => account.issuer)).toEqual(['ACME']);
  });
  it('shows the rekey’s progress with Cancel; cancelled, nothing changed: the password and the old recovery key still open the vault', async () => {
    const kdf = heldKdf();
    const app = await openVaultSettings({ deriveKey: kdf.deriveKey });
    const old = ((await call(app, 'vault.recoveryKey', { password: E2E_PASSWORD })) as { recoveryKey: string }).recoveryKey;
    const part = section(app, 'Rekey the vault');
    await part.getByRole('button', { name: 'Rekey…' }).click();
    await part.getByLabel('Vault password').fill(E2E_PASSWORD);
    // Held while the new password key is derived: after the password check, before anything is written.
    const held = kdf.holdNext(E2E_PASSWORD, { skip: 1 });
    await part.getByRole('button', { name: 'Rekey now' }).click();
    await held.reached;
    const bar = part.getByRole('progressbar');
    await expect.poll(() => bar.getAttribute('aria-label')).toBe('Deriving the new password key…');
    await part.getByRole('button', { name: 'Cancel' }).click();
    await part.getByText('Cancelled: nothing was changed; the password and the recovery key are as they were.').waitFor();
    held.release();
    expect(await bar.count()).toBe(0);
    expect(await part.getByTestId('new-recovery-key').count()).toBe(0);
    expect(await part.getByRole('alert').count()).toBe(0);

    for (const credential of [{ password: E2E_PASSWORD }, { recoveryKey: old }]) {
      await call(app, 'vault.lock', {});
      expect((await app.service.dispatch('vault.unlock', credential)).ok).toBe(true);
      expect(((await call(app, 'accounts.list', {})) as { accounts: { issuer: string }[] }).accounts.map((account) => account.issuer)).toEqual(['ACME']);
    }
  });
});
