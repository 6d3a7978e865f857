import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_PASSWORD, launchChromium, openApp, openUnlockedApp, type AppPage } from './harness.js';

/**
 * Issue 13, item 1 (the app's door for the recovery key) and item 12 (the strength shown as a new
 * password is typed): forgot the password → "Use the recovery key" → the list, and a dialog that sets
 * a new password and shows a new recovery key; the old password and the old key stop working.
 */
const OLD_PASSWORD = 'e2e vault password';
const NEW_PASSWORD = 'correct horse battery staple 7';
const SECRET = 'JBSWY3DPEHPK3PXP';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

/** A vault with one account, locked: the unlock screen, and the recovery key made with it. */
async function lockedVault(): Promise<{ app: AppPage; recoveryKey: string }> {
  const app = await openApp(browser);
  const created = await app.service.dispatch('vault.create', { password: OLD_PASSWORD });
  const recoveryKey = created.ok ? (created.value as { recoveryKey: string }).recoveryKey : '';
  await app.service.dispatch('vault.unlock', { password: OLD_PASSWORD });
  await app.service.dispatch('accounts.add', { uri: `otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME` });
  await app.service.dispatch('vault.lock', {});
  await app.page.reload();
  await app.page.getByRole('button', { name: 'Unlock' }).waitFor();
  return { app, recoveryKey };
}

const unlockWith = (app: AppPage, credential: { password: string } | { recoveryKey: string }) => app.service.dispatch('vault.unlock', credential);

describe('the recovery key in the app', () => {
  it('opens the vault, then sets a new password and shows a new recovery key', async () => {
    const { app, recoveryKey } = await lockedVault();
    const { page } = app;
    await page.getByRole('button', { name: 'Forgot the password? Use the recovery key' }).click();
    // Typed in lower case, with spaces instead of dashes: it still opens.
    await page.getByLabel('Recovery key').fill(recoveryKey.toLowerCase().replaceAll('-', ' '));
    await page.getByRole('button', { name: 'Unlock' }).click();

    const dialog = page.getByRole('dialog', { name: 'Opened with the recovery key' });
    await dialog.waitFor();
    expect(await page.locator('.account .issuer').allTextContents()).toEqual(['ACME']);

    // A weak password is judged as it is typed, and the button waits for a better one.
    await dialog.getByLabel('New password').fill('password');
    await expect.poll(() => dialog.getByTestId('password-strength').getAttribute('data-acceptable')).toBe('false');
    expect(await dialog.getByTestId('password-strength').textContent()).toMatch(/Strength: very weak — not enough yet\. This is a heavily used password/);
    expect(await dialog.getByRole('button', { name: 'Set the new password' }).isDisabled()).toBe(true);
    await dialog.getByLabel('New password').fill(NEW_PASSWORD);
    await dialog.getByLabel('Repeat it').fill(NEW_PASSWORD);
    await expect.poll(() => dialog.getByTestId('password-strength').getAttribute('data-acceptable')).toBe('true');
    await dialog.getByRole('button', { name: 'Set the new password' }).click();
    await dialog.getByText('The new password is set.').waitFor();

    await dialog.getByRole('button', { name: 'Show a new recovery key' }).click();
    await expect.poll(() => dialog.getByTestId('new-recovery-key').textContent()).toMatch(/^([A-Z2-7]{4}-){13}[A-Z2-7]{4}$/);
    const newKey = (await dialog.getByTestId('new-recovery-key').textContent()) ?? '';
    expect(newKey).not.toBe(recoveryKey);
    await dialog.getByRole('button', { name: 'I have written it down' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('.account .issuer').allTextContents()).toEqual(['ACME']);

    // The old password and the old key no longer open the vault; the new ones do.
    await app.service.dispatch('vault.lock', {});
    expect(await unlockWith(app, { password: OLD_PASSWORD })).toMatchObject({ ok: false, error: { code: 'VAULT_WRONG_PASSWORD' } });
    expect(await unlockWith(app, { recoveryKey })).toMatchObject({ ok: false, error: { code: 'VAULT_WRONG_PASSWORD' } });
    expect(await unlockWith(app, { recoveryKey: newKey })).toMatchObject({ ok: true, value: { unlockedBy: 'recovery' } });
    await app.service.dispatch('vault.lock', {});
    expect(await unlockWith(app, { password: NEW_PASSWORD })).toMatchObject({ ok: true, value: { unlockedBy: 'password' } });
    expect(app.dialogs).toEqual([]);
  });

  it('says what is wrong with a mistyped key, and the dialog may be put off', async () => {
    const { app, recoveryKey } = await lockedVault();
    const { page } = app;
    await page.getByRole('button', { name: 'Forgot the password? Use the recovery key' }).click();
    const typo = `${recoveryKey.slice(0, -1)}${recoveryKey.endsWith('A') ? 'B' : 'A'}`;
    await page.getByLabel('Recovery key').fill(typo);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^The recovery key has a typo/);
    await page.getByLabel('Recovery key').fill(recoveryKey);
    await page.getByLabel('Recovery key').press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Opened with the recovery key' });
    await dialog.getByRole('button', { name: 'Not now' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Nothing changed: the old password still opens it.
    await app.service.dispatch('vault.lock', {});
    expect(await unlockWith(app, { password: OLD_PASSWORD })).toMatchObject({ ok: true });
  });

  it('the page cannot change a password-unlocked vault’s password or issue a key without the password', async () => {
    const { app } = await lockedVault();
    await unlockWith(app, { password: OLD_PASSWORD });
    const call = (channel: string, request: unknown) =>
      app.page.evaluate(
        async ([name, payload]) => {
          try {
            await (window as unknown as { latchkey: { call(c: string, r: unknown): Promise<unknown> } }).latchkey.call(name, payload);
            return 'ok';
          } catch (error) {
            return (error as { code?: string }).code;
          }
        },
        [channel, request] as const,
      );
    expect(await call('vault.changePassword', { next: 'attacker chosen password' })).toBe('USAGE');
    expect(await call('vault.changePassword', { current: 'guess', next: 'attacker chosen password' })).toBe('VAULT_WRONG_PASSWORD');
    expect(await call('vault.recoveryKey', { password: 'guess' })).toBe('VAULT_WRONG_PASSWORD');
    await app.service.dispatch('vault.lock', {});
    expect(await unlockWith(app, { password: OLD_PASSWORD })).toMatchObject({ ok: true });
  });
});

describe('the strength of a new password, as it is typed', () => {
  it('first run: a weak password is named weak and cannot create the vault', async () => {
    const app = await openApp(browser);
    const { page } = app;
    await page.getByLabel('Password', { exact: true }).fill('qwertyuiop');
    await expect.poll(() => page.getByTestId('password-strength').getAttribute('data-acceptable')).toBe('false');
    expect(await page.getByTestId('password-strength').textContent()).toMatch(/not enough yet/);
    expect(await page.getByRole('button', { name: 'Create vault' }).isDisabled()).toBe(true);
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await expect.poll(() => page.getByTestId('password-strength').getAttribute('data-score')).toBe('4');
    expect(await page.getByRole('button', { name: 'Create vault' }).isDisabled()).toBe(false);
  });

  it('settings: a weak backup password is named weak and cannot turn automatic backups on', async () => {
    const app = await openUnlockedApp(browser);
    await app.page.getByRole('button', { name: 'Settings' }).click();
    const section = app.page.getByRole('region', { name: 'Automatic backups' });
    await section.getByLabel('Backup password').fill('abc');
    await section.getByLabel('Repeat it').fill('abc');
    await section.getByLabel('Vault password').fill(E2E_PASSWORD);
    await expect.poll(() => section.getByTestId('password-strength').getAttribute('data-acceptable')).toBe('false');
    expect(await section.getByTestId('password-strength').textContent()).toContain('Use at least 8 characters.');
    expect(await section.getByRole('button', { name: 'Choose a folder and turn on…' }).isDisabled()).toBe(true);
    await section.getByLabel('Backup password').fill('backup password for the drawer');
    await expect.poll(() => section.getByTestId('password-strength').getAttribute('data-acceptable')).toBe('true');
    expect(await section.getByRole('button', { name: 'Choose a folder and turn on…' }).isDisabled()).toBe(false);
    expect(app.prompts.pathsAsked).toEqual([]);
  });
});
