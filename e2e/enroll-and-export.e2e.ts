import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../main/test-support/facts.js';
import { E2E_PASSWORD, launchChromium, openUnlockedApp, rowNames } from './harness.js';

const QR_FIXTURES = join(REPO_ROOT, 'main', 'enroll', 'qr', 'fixtures');
const AEGIS_FIXTURES = join(REPO_ROOT, 'main', 'formats', 'aegis', 'fixtures');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});


describe('more ways in and out, in headless Chromium over the real service', () => {
  it('"Scan the screen" finds the QR code on a 1080p desktop (the capture main was given)', async () => {
    const screenshot = new Uint8Array(readFileSync(join(QR_FIXTURES, 'screenshot-1080p.png')));
    const app = await openUnlockedApp(browser, { capture: { capture: () => Promise.resolve([screenshot]) } });
    await app.page.getByRole('button', { name: 'Add', exact: true }).click();
    await app.page.getByRole('button', { name: 'Scan the screen' }).click();
    await app.page.getByRole('button', { name: 'Add 1 account' }).click();
    await expect.poll(() => rowNames(app)).toEqual(['Mailbox']);
  });

  it('without a screen to capture, scanning says so instead of failing silently', async () => {
    const app = await openUnlockedApp(browser);
    await app.page.getByRole('button', { name: 'Add', exact: true }).click();
    await app.page.getByRole('button', { name: 'Scan the screen' }).click();
    await expect.poll(() => app.page.getByRole('alert').textContent()).toMatch(/screen/i);
  });

  it('a QR image pasted from the clipboard (Ctrl+V) is read', async () => {
    const app = await openUnlockedApp(browser);
    await app.page.getByRole('button', { name: 'Add', exact: true }).click();
    // The dialog's code loads on first use: paste once it is there, as a user would.
    await app.page.locator('.add-dialog').waitFor();
    const bytes = [...readFileSync(join(QR_FIXTURES, 'two-codes.png'))];
    await app.page.evaluate((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'clipboard.png', { type: 'image/png' }));
      document.querySelector('.add-dialog')?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true }));
    }, bytes);
    await app.page.getByRole('button', { name: 'Add 2 accounts' }).click();
    await expect.poll(() => rowNames(app)).toHaveLength(2);
  });

  it('imports an Aegis export: preview first, nothing written until confirmed, then every account', async () => {
    const app = await openUnlockedApp(browser);
    await app.page.getByRole('button', { name: 'Add', exact: true }).click();
    await app.page.getByRole('button', { name: 'Import', exact: true }).click();
    await app.page.getByLabel('Export file').setInputFiles(join(AEGIS_FIXTURES, 'encrypted-small.json'));
    await app.page.getByRole('button', { name: 'Read the export' }).click();
    await expect.poll(() => app.page.getByRole('alert').textContent()).toMatch(/encrypted/);
    await app.page.getByLabel('Export password').fill('aegis-fixture-password');
    await app.page.getByRole('button', { name: 'Read the export' }).click();
    const preview = app.page.getByRole('region', { name: 'Import preview' });
    await expect.poll(() => preview.locator('p').first().textContent()).toMatch(/^Aegis.*: 4 accounts\.$/);
    const listed = await app.service.dispatch('accounts.list', {});
    expect(listed.ok && (listed.value as { accounts: unknown[] }).accounts).toEqual([]);
    await preview.getByRole('button', { name: 'Import 4 accounts' }).click();
    await expect.poll(() => app.page.locator('.account').count()).toBe(4);
    await expect.poll(() => app.page.getByRole('status').first().textContent()).toMatch(/^Imported 4 accounts from Aegis/);
  });

  it('a plaintext export needs the word typed and the vault password; main asks where, and writes a new 0600 file holding the accounts’ links', async () => {
    const app = await openUnlockedApp(browser);
    await app.service.dispatch('accounts.add', { uri: 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME' });
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-e2e-export-'));
    await app.page.getByRole('button', { name: 'Settings' }).click();
    const section = app.page.getByRole('region', { name: 'Export' });
    const exportButton = section.getByRole('button', { name: 'Export unencrypted file…' });
    expect(await exportButton.isDisabled()).toBe(true);
    await section.getByLabel('Type “plaintext” to confirm').fill('yes');
    expect(await exportButton.isDisabled()).toBe(true);
    await section.getByLabel('Type “plaintext” to confirm').fill('plaintext');
    expect(await exportButton.isDisabled()).toBe(true);
    // The vault password again, as for revealing one secret: a wrong one exports nothing and asks nothing.
    await section.getByLabel('Vault password').fill('not the password');
    await exportButton.click();
    await expect.poll(() => section.getByRole('alert').textContent()).toMatch(/^Wrong password/);
    expect(app.prompts.pathsAsked).toEqual([]);
    // The user cancels main's save dialog: nothing is written, nothing is said to be wrong.
    await section.getByLabel('Type “plaintext” to confirm').fill('plaintext');
    await section.getByLabel('Vault password').fill(E2E_PASSWORD);
    await exportButton.click();
    await expect.poll(() => app.prompts.pathsAsked.length).toBe(1);
    expect(app.prompts.pathsAsked[0]).toEqual({ purpose: 'export', kind: 'save-file', suggestedName: 'latchkey-export.txt' });
    // Then chooses a file.
    app.prompts.path = join(folder, 'moving.txt');
    await section.getByLabel('Type “plaintext” to confirm').fill('plaintext');
    await section.getByLabel('Vault password').fill(E2E_PASSWORD);
    await exportButton.click();
    await expect.poll(() => section.getByRole('status').last().textContent()).toMatch(/^1 account saved as moving\.txt\. It is not encrypted/);
    expect(readFileSync(join(folder, 'moving.txt'), 'utf8')).toMatch(/^otpauth:\/\/totp\/ACME:alice\?secret=JBSWY3DPEHPK3PXP/m);
    expect(statSync(join(folder, 'moving.txt')).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual(['moving.txt']);
  });

  it('keyboard only: Tab reaches search, Add, every code and details; focus is visible', async () => {
    const app = await openUnlockedApp(browser);
    await app.service.dispatch('accounts.add', { uri: 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME' });
    await app.page.reload();
    await app.page.getByLabel('Search accounts').waitFor();
    const reached: string[] = [];
    for (let i = 0; i < 8; i++) {
      await app.page.keyboard.press('Tab');
      const focused = await app.page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        // Past the last control, focus wraps through the document itself (the body) to the first.
        if (element === null || element === document.body) return undefined;
        return { name: element.getAttribute('aria-label') ?? element.textContent, outline: getComputedStyle(element).outlineStyle };
      });
      if (focused === undefined) continue;
      reached.push(focused.name);
      expect(focused.outline, focused.name).toBe('solid');
    }
    expect(reached).toEqual(expect.arrayContaining(['Add', 'Settings', 'Lock', 'Details for ACME alice', 'Copy the code for ACME alice']));
    // Enter on the details button opens the dialog; Escape closes it and returns focus.
    await app.page.getByRole('button', { name: 'Details for ACME alice' }).focus();
    await app.page.keyboard.press('Enter');
    await app.page.getByRole('dialog', { name: 'ACME' }).waitFor();
    await app.page.keyboard.press('Escape');
    await expect.poll(() => app.page.getByRole('dialog').count()).toBe(0);
  });

  it('text scaled to 200%: nothing spills sideways and the code stays whole', async () => {
    const app = await openUnlockedApp(browser);
    await app.service.dispatch('accounts.add', { uri: 'otpauth://totp/A%20Very%20Long%20Service%20Name%20Incorporated:someone.with.a.long.address%40example.com?secret=JBSWY3DPEHPK3PXP' });
    await app.page.reload();
    // Through the CSSOM: the CSP refuses inline style tags, as it should.
    await app.page.evaluate(() => {
      document.documentElement.style.fontSize = '200%';
    });
    await app.page.locator('.account').waitFor();
    const layout = await app.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      width: window.innerWidth,
      codeLines: Math.round((document.querySelector('[data-testid="code"]')?.getBoundingClientRect().height ?? 0) / parseFloat(getComputedStyle(document.querySelector('[data-testid="code"]') ?? document.body).lineHeight || '1')),
    }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
    expect(layout.codeLines).toBeLessThanOrEqual(1);
  });
});
