import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldKdf } from '../main/vault/test-support/held-kdf.js';
import { E2E_PASSWORD, launchChromium, openUnlockedApp, rowNames, type AppPage } from './harness.js';
import { callService as call } from './service-call.js';

/**
 * Backups by hand (issue 18 §4) against the real service: a backup made through main's save dialog
 * (scripted), verified against the vault with every kind of difference shown, restored by merge and by
 * replace after their previews; the main screen's age line and its stale warning; the clipboard
 * transfer out of one vault and into another.
 */
const BACKUP_PASSWORD = 'tangerine ocelot basalt fjord';
const ALICE = 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME';
const BOB = 'otpauth://totp/Globex:bob?secret=KRSXG5CTMVRXEZLU&issuer=Globex';
const CAROL = 'otpauth://totp/Initech:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Initech';
const DAVE_6 = 'otpauth://totp/Hooli:dave?secret=GEZDGNBVGY3TQOJQ&issuer=Hooli&digits=6';
const DAVE_8 = 'otpauth://totp/Hooli:dave?secret=GEZDGNBVGY3TQOJQ&issuer=Hooli&digits=8';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

async function add(app: AppPage, uri: string): Promise<string> {
  return ((await call(app, 'accounts.add', { uri })) as { account: { id: string } }).account.id;
}

async function openBackups(app: AppPage): Promise<void> {
  await app.page.getByTestId('backup-age').getByRole('button', { name: 'Backups…' }).click();
  await app.page.getByRole('heading', { name: 'Make a backup' }).waitFor();
}

async function makeBackup(app: AppPage): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'latchkey-e2e-backup-')), 'by-hand.lkbak');
  app.prompts.path = file;
  const form = app.page.getByTestId('create-backup');
  await form.getByLabel('Backup password').fill(BACKUP_PASSWORD);
  await form.getByLabel('Repeat it').fill(BACKUP_PASSWORD);
  await form.getByLabel('Vault password').fill(E2E_PASSWORD);
  await form.getByRole('button', { name: 'Choose where to save…' }).click();
  await app.page.getByText(/^Saved \d+ accounts? in by-hand\.lkbak/).waitFor();
  return file;
}

async function verify(app: AppPage, file: string): Promise<void> {
  app.prompts.path = file;
  const form = app.page.getByTestId('verify-backup');
  await form.getByLabel('The backup’s password').fill(BACKUP_PASSWORD);
  await form.getByRole('button', { name: 'Choose a backup…' }).click();
  await app.page.getByTestId('backup-comparison').waitFor();
}

const count = (app: AppPage, testId: string) => app.page.getByTestId(testId).getAttribute('data-count');
const names = (app: AppPage, testId: string) => app.page.getByTestId(testId).locator('li').allTextContents();

describe('backups by hand', () => {
  it('makes a backup through the save dialog and verifies it the same as the vault; the main screen then shows its age', async () => {
    const app = await openUnlockedApp(browser);
    await add(app, ALICE);
    await add(app, BOB);
    await expect.poll(() => app.page.getByTestId('backup-age').getAttribute('data-stale')).toBe('true');
    await app.page.getByText('No verified backup yet.').waitFor();
    await openBackups(app);
    const file = await makeBackup(app);
    expect(app.prompts.pathsAsked.map((asked) => [asked.purpose, asked.kind])).toEqual([['backup', 'save-file']]);

    await verify(app, file);
    expect(app.prompts.pathsAsked.at(-1)).toMatchObject({ purpose: 'backup-open', kind: 'open-file' });
    expect(await app.page.getByTestId('backup-comparison').getAttribute('data-same')).toBe('true');
    expect(await count(app, 'same')).toBe('2');
    await app.page.getByText('The backup holds the same 2 accounts as the vault, with the same codes.').waitFor();
    await app.page.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => app.page.getByTestId('backup-age').getAttribute('data-stale')).toBe('false');
    await app.page.getByText('Last verified backup: less than an hour ago (by-hand.lkbak).').waitFor();
  });

  it('shows what is only in the backup, only in the vault, and whose codes differ; merge then adds only what is missing', async () => {
    const app = await openUnlockedApp(browser);
    const alice = await add(app, ALICE);
    await add(app, BOB);
    const dave = await add(app, DAVE_6);
    await openBackups(app);
    const file = await makeBackup(app);
    await call(app, 'accounts.remove', { id: alice });
    await call(app, 'accounts.remove', { id: dave });
    await add(app, DAVE_8);
    await add(app, CAROL);

    await verify(app, file);
    expect(await app.page.getByTestId('backup-comparison').getAttribute('data-same')).toBe('false');
    expect(await count(app, 'same')).toBe('1');
    expect(await names(app, 'only-in-backup')).toEqual(['ACME (alice)']);
    expect(await names(app, 'only-in-vault')).toEqual(['Initech (carol)']);
    expect(await names(app, 'codes-differ')).toEqual(['Hooli (dave)']);

    const preview = app.page.getByTestId('restore-preview');
    await preview.getByText('Adds 1 account: ACME (alice).').waitFor();
    await app.page.getByRole('button', { name: 'Merge into the vault' }).click();
    await app.page.getByText('Restored: 1 added, 2 already there.').waitFor();
    await app.page.getByRole('button', { name: 'Close' }).click();
    expect((await rowNames(app)).sort()).toEqual(['ACME', 'Globex', 'Hooli', 'Initech']);
  });

  it('replaces the vault with the backup after its preview and the vault password again', async () => {
    const app = await openUnlockedApp(browser);
    await add(app, ALICE);
    await openBackups(app);
    const file = await makeBackup(app);
    await add(app, CAROL);

    await verify(app, file);
    await app.page.getByLabel('Replace: make the vault what the backup holds').check();
    const preview = app.page.getByTestId('restore-preview');
    await preview.getByText('Empties the vault, then puts back the backup’s 1 account. No undo.').waitFor();
    await preview.getByText('Loses 1 account found only in the vault: Initech (carol).').waitFor();
    const restore = app.page.getByTestId('restore');
    expect(await restore.getByRole('button', { name: 'Replace the vault' }).isDisabled()).toBe(true);
    await restore.getByLabel('Vault password').fill('not the password');
    await restore.getByRole('button', { name: 'Replace the vault' }).click();
    await restore.getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor();
    expect((await rowNames(app)).sort()).toEqual(['ACME', 'Initech']);

    await restore.getByLabel('Vault password').fill(E2E_PASSWORD);
    await restore.getByRole('button', { name: 'Replace the vault' }).click();
    await app.page.getByText('Restored: 1 added, 0 already there, 2 removed first.').waitFor();
    await app.page.getByRole('button', { name: 'Close' }).click();
    expect(await rowNames(app)).toEqual(['ACME']);
  });

  it('warns on the main screen when the last verified backup is over 30 days old, or the accounts changed since', async () => {
    const app = await openUnlockedApp(browser);
    await add(app, ALICE);
    await openBackups(app);
    await verify(app, await makeBackup(app));
    await app.page.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => app.page.getByTestId('backup-age').getAttribute('data-stale')).toBe('false');

    app.clock.advance(2000);
    await add(app, BOB);
    await app.page.getByText(/Accounts changed since: it does not hold them all\./).waitFor();
    expect(await app.page.getByTestId('backup-age').getAttribute('data-stale')).toBe('true');

    // A month later (the idle lock has locked the vault meanwhile).
    app.clock.advance(31 * 24 * 3600 * 1000);
    await app.page.reload();
    await app.page.getByLabel('Password', { exact: true }).fill(E2E_PASSWORD);
    await app.page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await app.page.getByText(/^Last verified backup: 31 days ago \(.*\)\. It is more than 30 days old: make a new one\./).waitFor();
  });

  it('copies a transfer block to the clipboard and pastes it into another vault, with a preview first', async () => {
    const from = await openUnlockedApp(browser);
    await add(from, ALICE);
    await add(from, BOB);
    await openBackups(from);
    const copy = from.page.getByTestId('transfer-copy');
    await copy.getByLabel('Transfer password').fill(BACKUP_PASSWORD);
    await copy.getByLabel('Vault password').fill(E2E_PASSWORD);
    await copy.getByRole('button', { name: 'Copy a transfer block' }).click();
    await from.page.getByText(/^A transfer block with 2 accounts is on the clipboard/).waitFor();
    const block = from.clipboard.text;
    expect(block).toMatch(/^LKX1/);
    expect(block).not.toContain('JBSWY3DPEHPK3PXP');

    const to = await openUnlockedApp(browser);
    await add(to, BOB);
    await openBackups(to);
    const paste = to.page.getByTestId('transfer-paste');
    await paste.getByLabel('Transfer block (paste it here)').fill(block);
    await paste.getByLabel('Its password').fill(BACKUP_PASSWORD);
    await paste.getByRole('button', { name: 'Open the block' }).click();
    const preview = to.page.getByTestId('transfer-preview');
    await preview.getByText('2 accounts in the block; 1 not in the vault yet.').waitFor();
    await preview.getByText('Globex (bob) — already in the vault').waitFor();
    await preview.getByRole('button', { name: 'Add 1 account' }).click();
    await to.page.getByText('Added 1 account; 1 already in the vault skipped.').waitFor();
    await to.page.getByRole('button', { name: 'Close' }).click();
    expect((await rowNames(to)).sort()).toEqual(['ACME', 'Globex']);
  });
});

/**
 * Cancel after the user chose where the backup goes: the backup key's derivation is held here (a real
 * derivation, released by the test) so the click lands while main is still working, as it does on a
 * real machine where the derivation takes a second or more.
 */
describe('Cancel once the destination was chosen', () => {
  it('a backup by hand: no file is written, and the page says so', async () => {
    const kdf = heldKdf();
    const app = await openUnlockedApp(browser, { deriveKey: kdf.deriveKey });
    await add(app, ALICE);
    await openBackups(app);
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-e2e-backup-'));
    app.prompts.path = join(folder, 'by-hand.lkbak');
    const held = kdf.holdNext(BACKUP_PASSWORD);
    const form = app.page.getByTestId('create-backup');
    await form.getByLabel('Backup password').fill(BACKUP_PASSWORD);
    await form.getByLabel('Repeat it').fill(BACKUP_PASSWORD);
    await form.getByLabel('Vault password').fill(E2E_PASSWORD);
    await form.getByRole('button', { name: 'Choose where to save…' }).click();
    await held.reached;
    const section = app.page.getByRole('region', { name: 'Make a backup' });
    await expect.poll(() => section.getByRole('progressbar').getAttribute('aria-label')).toBe('Deriving the backup key…');
    await section.getByRole('button', { name: 'Cancel' }).click();
    await section.getByText('Cancelled: no backup was written.').waitFor();
    held.release();
    expect(await section.getByRole('progressbar').count()).toBe(0);
    expect(await section.getByRole('alert').count()).toBe(0);
    expect(app.prompts.pathsAsked).toHaveLength(1);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('automatic backups: the first backup’s file is removed, nothing is turned on, and the form stays', async () => {
    const kdf = heldKdf();
    const app = await openUnlockedApp(browser, { deriveKey: kdf.deriveKey });
    await add(app, ALICE);
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-e2e-auto-'));
    app.prompts.path = folder;
    // Held while the first backup is checked: its file is already written by then.
    const held = kdf.holdNext(BACKUP_PASSWORD, { skip: 1 });
    await app.page.getByRole('button', { name: 'Settings' }).click();
    const section = app.page.getByRole('region', { name: 'Automatic backups' });
    await section.getByLabel('Backup password').fill(BACKUP_PASSWORD);
    await section.getByLabel('Repeat it').fill(BACKUP_PASSWORD);
    await section.getByLabel('Vault password').fill(E2E_PASSWORD);
    await section.getByRole('button', { name: 'Choose a folder and turn on…' }).click();
    await held.reached;
    expect(readdirSync(folder).filter((name) => name.endsWith('.lkbak'))).toHaveLength(1);
    await section.getByRole('button', { name: 'Cancel' }).click();
    await section.getByText('Cancelled: no backup was kept, and automatic backups stay off.').waitFor();
    held.release();
    expect(readdirSync(folder)).toEqual([]);
    expect(await call(app, 'backup.auto.status', {})).toMatchObject({ enabled: false, last: null, lastFailure: null });
    await section.getByRole('button', { name: 'Choose a folder and turn on…' }).waitFor();
    expect(await section.getByRole('progressbar').count()).toBe(0);
  });
});
