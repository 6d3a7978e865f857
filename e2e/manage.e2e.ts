import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../main/test-support/facts.js';
import { testClock } from '../main/vault/test-support/test-runtime.js';
import { E2E_PASSWORD, launchChromium, openUnlockedApp, rowNames, type AppPage } from './harness.js';

const SECRET = 'JBSWY3DPEHPK3PXP';
const QR_FIXTURES = join(REPO_ROOT, 'main', 'enroll', 'qr', 'fixtures');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

async function addAccounts(app: AppPage, uris: readonly string[]): Promise<void> {
  for (const uri of uris) {
    const reply = await app.service.dispatch('accounts.add', { uri });
    expect(reply.ok).toBe(true);
  }
  await app.page.reload();
  await expect.poll(() => app.page.locator('.account').count()).toBe(uris.length);
}

function oathtool(args: readonly string[]): string {
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}


describe('adding, editing, deleting and locking, in headless Chromium over the real service', () => {
  it('adds by dropping a QR image: the found account is confirmed, then its code is oathtool’s', async () => {
    const clock = testClock(1_700_000_000_000);
    const app = await openUnlockedApp(browser, { clock });
    await app.page.getByRole('button', { name: 'Add', exact: true }).click();
    const bytes = [...readFileSync(join(QR_FIXTURES, 'plain.png'))];
    const dataTransfer = await app.page.evaluateHandle((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'plain.png', { type: 'image/png' }));
      return transfer;
    }, bytes);
    await app.page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
    const dialog = app.page.getByRole('dialog', { name: 'Add account' });
    await expect.poll(() => dialog.getByRole('checkbox').isChecked()).toBe(true);
    expect(await dialog.locator('.candidate-list').textContent()).toContain('Mailbox');
    await dialog.getByRole('button', { name: 'Add 1 account' }).click();
    await expect.poll(() => app.page.getByRole('status').first().textContent()).toBe('Added 1 account.');
    const expected = oathtool(['--totp=sha256', '--digits=8', '--now=@1700000000', '--base32', 'D4TC2NB3IJEVAV26MVWHG6UBRCHZNHNE']);
    await expect.poll(() => app.page.getByTestId('code').first().textContent()).toBe(`${expected.slice(0, 4)} ${expected.slice(4)}`);
  });

  it('a dropped file that is not an image, or an image without a QR code, gets a clear message', async () => {
    const app = await openUnlockedApp(browser);
    await app.page.getByRole('button', { name: 'Add', exact: true }).click();
    const drop = async (file: string, type: string) => {
      const bytes = [...readFileSync(join(QR_FIXTURES, file))];
      const dataTransfer = await app.page.evaluateHandle(([data, name, mime]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(data)], name, { type: mime }));
        return transfer;
      }, [bytes, file, type] as const);
      await app.page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
    };
    await drop('not-an-image.png', 'text/plain');
    // Waited for with a bound, so a message that never comes fails here, saying which, instead of hanging the test.
    await app.page.getByRole('alert').filter({ hasText: /is not an image/ }).waitFor({ timeout: 15_000 });
    await drop('no-qr.png', 'image/png');
    await app.page.getByRole('alert').filter({ hasText: /^No QR code found in that image/ }).waitFor({ timeout: 15_000 });
    await app.page.keyboard.press('Escape');
    expect(await app.page.locator('.account').count()).toBe(0);
  });

  it('the manual form puts each message under its field, from the page and from main', async () => {
    const app = await openUnlockedApp(browser);
    await app.page.getByRole('button', { name: 'Add', exact: true }).click();
    await app.page.getByRole('button', { name: 'Type a secret' }).click();
    const form = app.page.locator('form.manual');
    await form.getByRole('button', { name: 'Add this account' }).click();
    expect(await form.locator('#error-secret').textContent()).toBe('Enter the secret key the service showed you.');
    expect(await form.locator('#error-label').textContent()).toBe('Give the account a name (or a service).');
    expect(await form.getByLabel('Secret key').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Service').fill('GitHub');
    await form.getByLabel('Secret key').fill('jbsw y3dp ehpk 3pxp');
    await form.getByLabel('Period (seconds)').fill('0');
    await form.getByRole('button', { name: 'Add this account' }).click();
    // 0 passes the page's own check (a whole number); main's account schema refuses it, naming the field.
    await expect.poll(() => form.locator('#error-period').textContent()).toMatch(/period must be from 1 to 86400 seconds/i);
    await form.getByLabel('Period (seconds)').fill('30');
    await form.getByRole('button', { name: 'Add this account' }).click();
    await expect.poll(() => rowNames(app)).toEqual(['GitHub']);
  });

  it('edit, tag, delete with confirmation, then undo: the account comes back in its place with its code', async () => {
    const app = await openUnlockedApp(browser);
    await addAccounts(app, [
      `otpauth://totp/Alpha:a?secret=${SECRET}&issuer=Alpha`,
      'otpauth://totp/Bravo:b?secret=GEZDGNBVGY3TQOJQ&issuer=Bravo',
      'otpauth://totp/Charlie:c?secret=MFRGGZDFMZTWQ2LK&issuer=Charlie',
    ]);
    await app.page.getByRole('button', { name: 'Details for Bravo b' }).click();
    const details = app.page.getByRole('dialog', { name: 'Bravo' });
    await details.getByLabel('Service').fill('Bravo Bank');
    await details.getByLabel('Tags (separated by commas)').fill('money, work');
    await details.getByLabel('Notes').fill('branch 42');
    await details.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => details.getByRole('status').textContent()).toBe('Saved.');
    await app.page.keyboard.press('Escape');
    await expect.poll(() => rowNames(app)).toEqual(['Alpha', 'Bravo Bank', 'Charlie']);
    // The note is stored sealed, and read back only when details are opened.
    await app.page.getByRole('button', { name: 'Details for Bravo Bank b' }).click();
    await expect.poll(() => app.page.getByLabel('Notes').inputValue()).toBe('branch 42');
    await app.page.keyboard.press('Escape');
    // Tags filter the list.
    await app.page.getByRole('button', { name: 'work', exact: true }).click();
    await expect.poll(() => rowNames(app)).toEqual(['Bravo Bank']);
    await app.page.getByRole('button', { name: 'All', exact: true }).click();

    const codeBefore = await app.page.locator('.account').nth(1).getByTestId('code').textContent();
    await app.page.getByRole('button', { name: 'Details for Bravo Bank b' }).click();
    await app.page.getByRole('button', { name: 'Delete…' }).click();
    await app.page.getByRole('button', { name: 'Delete account' }).click();
    await expect.poll(() => rowNames(app)).toEqual(['Alpha', 'Charlie']);
    await app.page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => rowNames(app)).toEqual(['Alpha', 'Bravo Bank', 'Charlie']);
    expect(await app.page.locator('.account').nth(1).getByTestId('code').textContent()).toBe(codeBefore);
    await expect.poll(() => app.page.getByRole('status').first().textContent()).toBe('Restored Bravo Bank.');
  });

  it('a delete not undone in time stays deleted', async () => {
    const app = await openUnlockedApp(browser);
    await addAccounts(app, [`otpauth://totp/Alpha:a?secret=${SECRET}&issuer=Alpha`, 'otpauth://totp/Bravo:b?secret=GEZDGNBVGY3TQOJQ&issuer=Bravo']);
    await app.page.getByRole('button', { name: 'Details for Alpha a' }).click();
    await app.page.getByRole('button', { name: 'Delete…' }).click();
    await app.page.getByRole('button', { name: 'Delete account' }).click();
    await expect.poll(() => rowNames(app)).toEqual(['Bravo']);
    app.clock.advance(11_000);
    const reply = await app.service.dispatch('accounts.list', {});
    expect(reply.ok && (reply.value as { accounts: unknown[] }).accounts.length).toBe(1);
    await app.page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => app.page.getByRole('status').first().textContent()).toMatch(/no longer|expired|can't be undone|cannot be undone/i);
    expect(await rowNames(app)).toEqual(['Bravo']);
  });

  it('reveal asks for the password; the QR code shown scans (zbarimg) to the account’s URI', async () => {
    const app = await openUnlockedApp(browser);
    await addAccounts(app, [`otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`]);
    await app.page.getByRole('button', { name: 'Details for ACME alice' }).click();
    await app.page.getByRole('button', { name: 'Reveal secret and QR code…' }).click();
    await app.page.getByLabel('Vault password').fill('wrong password');
    await app.page.getByRole('button', { name: 'Reveal' }).click();
    await expect.poll(() => app.page.getByRole('dialog').getByRole('alert').textContent()).toMatch(/^Wrong password/);
    expect(await app.page.getByTestId('secret').count()).toBe(0);
    await app.page.getByLabel('Vault password').fill(E2E_PASSWORD);
    await app.page.getByRole('button', { name: 'Reveal' }).click();
    await expect.poll(() => app.page.getByTestId('secret').textContent()).toBe('JBSW Y3DP EHPK 3PXP');
    const shot = join(tmpdir(), `latchkey-qr-${String(process.pid)}.png`);
    writeFileSync(shot, await app.page.locator('svg.qr').screenshot());
    const scanned = execFileSync('zbarimg', ['--quiet', '--raw', shot], { encoding: 'utf8' }).trim();
    expect(scanned).toMatch(/^otpauth:\/\/totp\/ACME:alice\?/);
    expect(scanned).toContain(`secret=${SECRET}`);
    await app.page.getByRole('button', { name: 'Hide' }).click();
    expect(await app.page.getByTestId('secret').count()).toBe(0);
  });

  it('reorders by keyboard (the row handle and the arrow keys); the order is stored', async () => {
    const app = await openUnlockedApp(browser);
    await addAccounts(app, [
      `otpauth://totp/Alpha:a?secret=${SECRET}&issuer=Alpha`,
      'otpauth://totp/Bravo:b?secret=GEZDGNBVGY3TQOJQ&issuer=Bravo',
      'otpauth://totp/Charlie:c?secret=MFRGGZDFMZTWQ2LK&issuer=Charlie',
    ]);
    await app.page.getByRole('button', { name: 'Move Charlie c (arrow keys)' }).focus();
    await app.page.keyboard.press('ArrowUp');
    await app.page.keyboard.press('ArrowUp');
    await expect.poll(() => rowNames(app)).toEqual(['Charlie', 'Alpha', 'Bravo']);
    const stored = await app.service.dispatch('accounts.list', {});
    expect(stored.ok && (stored.value as { accounts: { issuer: string }[] }).accounts.map((a) => a.issuer)).toEqual(['Charlie', 'Alpha', 'Bravo']);
    // The keyboard stays on the moved row's handle.
    expect(await app.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move Charlie c (arrow keys)');
  });

  it('reorders by dragging a row onto another', async () => {
    const app = await openUnlockedApp(browser);
    await addAccounts(app, [
      `otpauth://totp/Alpha:a?secret=${SECRET}&issuer=Alpha`,
      'otpauth://totp/Bravo:b?secret=GEZDGNBVGY3TQOJQ&issuer=Bravo',
      'otpauth://totp/Charlie:c?secret=MFRGGZDFMZTWQ2LK&issuer=Charlie',
    ]);
    await app.page.locator('.account').nth(0).dragTo(app.page.locator('.account').nth(2));
    await expect.poll(() => rowNames(app)).toEqual(['Bravo', 'Charlie', 'Alpha']);
    const stored = await app.service.dispatch('accounts.list', {});
    expect(stored.ok && (stored.value as { accounts: { issuer: string }[] }).accounts.map((a) => a.issuer)).toEqual(['Bravo', 'Charlie', 'Alpha']);
  });

  it('settings: theme applies at once; auto-lock and clipboard delay are saved in the vault', async () => {
    const app = await openUnlockedApp(browser);
    await app.page.getByRole('button', { name: 'Settings' }).click();
    await app.page.getByLabel('Dark').check();
    await expect.poll(() => app.page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    const background = await app.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(17, 20, 24)');
    await app.page.getByLabel('Lock after inactivity').selectOption('15');
    await app.page.getByLabel('Clear a copied code after').selectOption('60');
    await expect.poll(async () => {
      const reply = await app.service.dispatch('settings.get', {});
      return reply.ok ? reply.value : reply.error;
    }).toEqual({ autoLockMinutes: 15, clipboardClearSeconds: 60, theme: 'dark' });
  });

  it('locks on idle: the clock moved past the auto-lock time brings the lock screen back', async () => {
    const clock = testClock(Date.now());
    const app = await openUnlockedApp(browser, { clock, pageClock: true });
    await addAccounts(app, [`otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`]);
    await app.page.getByLabel('Search accounts').press('a');
    // Four idle minutes: still open (the default auto-lock is five).
    clock.advance(4 * 60_000);
    await app.page.clock.runFor(4 * 60_000);
    await expect.poll(() => app.page.locator('.account').count()).toBe(1);
    const open = await app.service.dispatch('vault.status', {});
    expect(open.ok && (open.value as { locked: boolean }).locked).toBe(false);
    clock.advance(2 * 60_000);
    await app.page.clock.runFor(2 * 60_000);
    await expect.poll(() => app.page.getByRole('button', { name: 'Unlock' }).isVisible()).toBe(true);
    const status = await app.service.dispatch('vault.status', {});
    expect(status.ok && (status.value as { locked: boolean }).locked).toBe(true);
  });

  it('previews the next code in the last seconds, in red; both are oathtool’s', async () => {
    // Four seconds before a 30 s boundary.
    const clock = testClock(1_700_000_006_000);
    const app = await openUnlockedApp(browser, { clock, pageClock: true });
    await addAccounts(app, [`otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`]);
    await app.page.clock.runFor(1000);
    const now = oathtool(['--totp', '--now=@1700000006', '--base32', SECRET]);
    const next = oathtool(['--totp', '--now=@1700000010', '--base32', SECRET]);
    await expect.poll(() => app.page.getByTestId('next-code').textContent()).toBe(`next ${next.slice(0, 3)} ${next.slice(3)}`);
    expect(await app.page.getByTestId('code').textContent()).toBe(`${now.slice(0, 3)} ${now.slice(3)}`);
    expect(await app.page.getByTestId('code').getAttribute('class')).toContain('ending');
  });

  it('a HOTP account makes its code only when asked: shown, copied, and oathtool’s for counters 0 then 1', async () => {
    const app = await openUnlockedApp(browser);
    await addAccounts(app, [`otpauth://hotp/Bank:carol?secret=${SECRET}&issuer=Bank&counter=0`]);
    const button = app.page.getByRole('button', { name: 'Make and copy the next code for Bank carol' });
    expect(await button.textContent()).toBe('Get code');
    for (const counter of ['0', '1']) {
      const expected = oathtool(['--hotp', `--counter=${counter}`, '--base32', SECRET]);
      await button.click();
      await expect.poll(() => button.textContent()).toBe(`${expected.slice(0, 3)} ${expected.slice(3)}`);
      expect(app.clipboard.text).toBe(expected);
    }
  });

  it('an account added by the CLI (another process, same vault file) shows when the window is focused again', async () => {
    const app = await openUnlockedApp(browser);
    expect(await app.page.locator('.account').count()).toBe(0);
    const status = await app.service.dispatch('vault.status', {});
    const vault = status.ok ? (status.value as { path: string }).path : '';
    const passwordFile = join(tmpdir(), `latchkey-e2e-password-${String(process.pid)}`);
    writeFileSync(passwordFile, E2E_PASSWORD, { mode: 0o600 });
    // The real CLI, another process on the same vault file.
    execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'latchkey.js'), 'add', '--vault', vault, '--password-file', passwordFile, '--uri', `otpauth://totp/Elsewhere:x?secret=${SECRET}&issuer=Elsewhere`], { encoding: 'utf8' });
    await app.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect.poll(() => rowNames(app)).toEqual(['Elsewhere']);
  });

  it('recovery codes: hidden until asked for with the vault password, added, marked used one by one', async () => {
    const app = await openUnlockedApp(browser);
    await addAccounts(app, [`otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`]);
    await app.page.getByRole('button', { name: 'Details for ACME alice' }).click();
    const section = app.page.getByRole('region', { name: 'Recovery codes' });
    expect(await section.locator('code').count()).toBe(0);
    await section.getByLabel('Password to show the codes').fill('not the password');
    await section.getByRole('button', { name: 'Show recovery codes' }).click();
    await expect.poll(() => section.getByRole('alert').textContent()).toMatch(/^Wrong password/);
    await section.getByLabel('Password to show the codes').fill(E2E_PASSWORD);
    await section.getByRole('button', { name: 'Show recovery codes' }).click();
    await section.getByLabel('New recovery codes').fill('aaaa-1111 bbbb-2222\ncccc-3333');
    await section.getByRole('button', { name: 'Add codes' }).click();
    await expect.poll(() => section.locator('code').allTextContents()).toEqual(['aaaa-1111', 'bbbb-2222', 'cccc-3333']);
    expect(await section.locator('p.hint').textContent()).toBe('3 of 3 unused.');
    await section.getByRole('listitem').filter({ hasText: 'bbbb-2222' }).getByRole('button', { name: 'Mark used' }).click();
    await expect.poll(() => section.locator('p.hint').textContent()).toBe('2 of 3 unused.');
    expect(await section.locator('li.used code').allTextContents()).toEqual(['bbbb-2222']);
    const stored = await app.service.dispatch('accounts.details', { id: (await app.page.locator('.account-slot').first().getAttribute('data-id')) ?? '' });
    expect(stored.ok && (stored.value as { recoveryCodes: unknown }).recoveryCodes).toEqual({ total: 3, unused: 2 });
  });

  it('automatic backups: turned on in settings with the vault password, the folder chosen in main, the first backup written and verified', async () => {
    const app = await openUnlockedApp(browser);
    await addAccounts(app, [`otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`]);
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-e2e-backups-'));
    await app.page.getByRole('button', { name: 'Settings' }).click();
    const section = app.page.getByRole('region', { name: 'Automatic backups' });
    app.prompts.path = folder;
    await section.getByLabel('Backup password').fill('backup password');
    await section.getByLabel('Repeat it').fill('backup password');
    await section.getByLabel('Vault password').fill(E2E_PASSWORD);
    await section.getByRole('button', { name: 'Choose a folder and turn on…' }).click();
    await expect.poll(() => section.getByRole('status').textContent(), { timeout: 30_000 }).toMatch(/^Automatic backups are on/);
    expect(await section.textContent()).toContain(', verified.');
    expect(readdirSync(folder).filter((name) => name.endsWith('.lkbak'))).toHaveLength(1);
    expect(app.prompts.pathsAsked).toEqual([{ purpose: 'backup-folder', kind: 'folder' }]);
  });
});
