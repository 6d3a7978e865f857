import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../main/test-support/facts.js';
import { E2E_PASSWORD, launchChromium, openUnlockedApp, type AppPage } from './harness.js';

/**
 * Issue 12's findings, each performed as an attacker with script in the page would: through
 * `window.latchkey`, the renderer door Electron and the Chromium fallback use. Each is refused, with
 * nothing written outside the vault and no secret in any reply; the same flow done as the UI does
 * it, with the vault password, still works.
 */
const SECRET = 'JBSWY3DPEHPK3PXP';
const RECOVERY = 'rc-1111-2222';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

interface Outcome {
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly value?: unknown;
}

/** One call made by script in the page, as an attacker would make it. */
function fromPage(app: AppPage, channel: string, payload: unknown): Promise<Outcome> {
  return app.page.evaluate(
    async ([name, request]) => {
      try {
        const client = (window as unknown as { latchkey: { call(c: string, r: unknown): Promise<unknown> } }).latchkey;
        return { ok: true, value: await client.call(name, request) };
      } catch (error) {
        const { code, message } = error as { code?: string; message?: string };
        return { ok: false, ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message }) };
      }
    },
    [channel, payload] as const,
  );
}

interface Scene {
  readonly app: AppPage;
  readonly id: string;
  /** Where a path the user picks would go, and any other folder an attacker names. */
  readonly folder: string;
  readonly replies: Outcome[];
  call(channel: string, payload: unknown): Promise<Outcome>;
}

async function scene(capture?: () => Promise<Uint8Array[]>): Promise<Scene> {
  const app = await openUnlockedApp(browser, capture === undefined ? {} : { capture: { capture } });
  const added = await app.service.dispatch('accounts.add', { uri: `otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`, recoveryCodes: [RECOVERY] });
  const id = added.ok ? (added.value as { account: { id: string } }).account.id : '';
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-e2e-attack-'));
  const replies: Outcome[] = [];
  return {
    app,
    id,
    folder,
    replies,
    async call(channel, payload) {
      const outcome = await fromPage(app, channel, payload);
      replies.push(outcome);
      return outcome;
    },
  };
}

/** Nothing left the vault: no file in the folder, no dialog opened, no seed or recovery code in any reply. */
function expectNothingLeaked(s: Scene): void {
  expect(readdirSync(s.folder)).toEqual([]);
  const text = JSON.stringify(s.replies);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(RECOVERY);
}

const NOT_SERVED = { ok: false, code: 'INVALID_REQUEST', message: 'that channel is not served to the app’s page' };

describe('a compromised page gets nothing secret (issue 12)', () => {
  it('1. exports: no transfer block under a password of the page’s choosing, no seeds in a preview; the UI’s export still works with the password', async () => {
    const s = await scene();
    expect(await s.call('export.create', { format: 'transfer', password: 'attacker chosen', vaultPassword: 'guess' })).toMatchObject(NOT_SERVED);
    expect(await s.call('export.create', { format: 'transfer', password: 'attacker chosen' })).toMatchObject(NOT_SERVED);
    const file = Buffer.from(`otpauth://totp/X:y?secret=${SECRET}\n`).toString('base64');
    expect(await s.call('import.preview', { fileBase64: file, showSecrets: true })).toMatchObject({ ok: false, code: 'INVALID_REQUEST', message: 'showSecrets is not available to the app’s page' });
    expect(await s.call('enroll.decodeText', { text: `otpauth://totp/X:y?secret=${SECRET}`, showSecrets: true })).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    expect(await s.call('export.save', { format: 'otpauth-list', confirmPlaintext: true })).toMatchObject({ ok: false, code: 'INVALID_REQUEST', message: expect.stringContaining('vault password') as unknown });
    expect(await s.call('export.save', { format: 'otpauth-list', confirmPlaintext: true, vaultPassword: 'guess' })).toMatchObject({ ok: false, code: 'VAULT_WRONG_PASSWORD' });
    expect(s.app.prompts.pathsAsked).toEqual([]);
    expectNothingLeaked(s);

    // The UI's way: the password, then main's own dialog; the page gets the file's name, not its bytes.
    s.app.prompts.path = join(s.folder, 'export.txt');
    const saved = await s.call('export.save', { format: 'otpauth-list', confirmPlaintext: true, vaultPassword: E2E_PASSWORD });
    expect(saved).toEqual({ ok: true, value: { files: ['export.txt'], accounts: 1, warnings: [] } });
    expect(readFileSync(join(s.folder, 'export.txt'), 'utf8')).toContain(`secret=${SECRET}`);
    expect(JSON.stringify(s.replies)).not.toContain(SECRET);
  });

  it('2. backups: no path or password from the page, no standing copy, no replace-restore; the UI’s automatic backups still turn on with the password', async () => {
    const s = await scene();
    const target = join(s.folder, 'stolen.lkbak');
    expect(await s.call('backup.create', { path: target, password: 'attacker chosen', vaultPassword: E2E_PASSWORD })).toMatchObject(NOT_SERVED);
    expect(await s.call('backup.auto.configure', { folder: s.folder, password: 'attacker chosen', vaultPassword: E2E_PASSWORD })).toMatchObject(NOT_SERVED);
    expect(await s.call('backup.restore', { path: target, password: 'x', mode: 'replace', vaultPassword: E2E_PASSWORD })).toMatchObject(NOT_SERVED);
    expect(await s.call('backup.auto.enable', { password: 'attacker chosen' })).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    expect(await s.call('backup.auto.enable', { password: 'attacker chosen', vaultPassword: 'guess' })).toMatchObject({ ok: false, code: 'VAULT_WRONG_PASSWORD' });
    // A folder named by the page is not even read: the field is unknown to the page's channel.
    expect(s.app.prompts.pathsAsked).toEqual([]);
    expect((await s.call('backup.auto.status', {})).value).toMatchObject({ enabled: false });
    expect((await s.call('accounts.list', {})).value).toMatchObject({ accounts: [{ issuer: 'ACME' }] });
    expectNothingLeaked(s);

    s.app.prompts.path = s.folder;
    const enabled = await s.call('backup.auto.enable', { password: 'backup password', vaultPassword: E2E_PASSWORD, keep: 3 });
    expect(enabled).toMatchObject({ ok: true, value: { enabled: true, folder: s.folder, lastError: null } });
    expect(s.app.prompts.pathsAsked).toEqual([{ purpose: 'backup-folder', kind: 'folder' }]);
    expect(readdirSync(s.folder).filter((name) => name.endsWith('.lkbak'))).toHaveLength(1);
  });

  it('3. recovery codes need the password; a tampered vault is not re-signed from the page; the screen is captured only with the user’s consent in main', async () => {
    let captures = 0;
    const screenshot = readFileSync(join(REPO_ROOT, 'main', 'enroll', 'qr', 'fixtures', 'screenshot-1080p.png'));
    const s = await scene(() => {
      captures++;
      return Promise.resolve([new Uint8Array(screenshot)]);
    });
    expect(await s.call('accounts.recoveryCodes', { id: s.id, action: 'list' })).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    expect(await s.call('accounts.recoveryCodes', { id: s.id, action: 'list', vaultPassword: 'guess' })).toMatchObject({ ok: false, code: 'VAULT_WRONG_PASSWORD' });
    // Adding or marking answers with counts, never the list.
    expect(await s.call('accounts.recoveryCodes', { id: s.id, action: 'add', codes: ['x'] })).toEqual({ ok: true, value: { total: 2, unused: 2 } });
    // The page may check the vault (a report), never accept its rows: a CLI-only field.
    expect(await s.call('vault.verify', { acceptCurrentRows: true, vaultPassword: E2E_PASSWORD })).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    s.app.prompts.allowCapture = false;
    expect(await s.call('enroll.captureScreen', {})).toMatchObject({ ok: false, code: 'CAPTURE_DENIED' });
    expect(s.app.prompts.captureAsked).toBe(1);
    expect(captures).toBe(0);
    expectNothingLeaked(s);

    const listed = await s.call('accounts.recoveryCodes', { id: s.id, action: 'list', vaultPassword: E2E_PASSWORD });
    expect(listed).toMatchObject({ ok: true, value: { codes: [{ code: RECOVERY, used: false }, { code: 'x', used: false }] } });
    s.app.prompts.allowCapture = true;
    expect(await s.call('enroll.captureScreen', {})).toMatchObject({ ok: true, value: { candidates: [{ source: 'screen' }] } });
    expect(captures).toBe(1);
  });

  it('4. channels the UI never calls are not served at all', async () => {
    const s = await scene();
    const requests: [string, unknown][] = [
      ['otp.code', { secretBase32: SECRET }],
      ['uri.parse', { uri: `otpauth://totp/X:y?secret=${SECRET}`, showSecrets: true }],
      ['uri.format', { account: { secretBase32: SECRET } }],
      ['backup.verify', { path: '/etc/passwd', password: 'x' }],
      ['accounts.nextHotp', { id: s.id }],
      ['__proto__', {}],
    ];
    for (const [channel, payload] of requests) expect(await s.call(channel, payload), channel).toMatchObject(NOT_SERVED);
    // Vault settings and backups by hand (issue 18) are served (each change behind the password: their own specs);
    // no keyring without the desktop's, and no path from the page.
    expect(await s.call('vault.keyring.enable', { password: E2E_PASSWORD })).toMatchObject({ ok: false, code: 'UNSUPPORTED' });
    // A path the page slips in is dropped by the schema: main asks the user (here: no answer, so nothing is opened).
    expect(await s.call('backup.check', { password: 'x', path: '/etc/passwd' })).toMatchObject({ ok: false, code: 'CANCELLED' });
    expect(s.app.prompts.pathsAsked.at(-1)).toEqual({ purpose: 'backup-open', kind: 'open-file' });
    // Served for the recovery flow only (issue 13): without the password they change nothing.
    expect(await s.call('vault.changePassword', { next: 'attacker chosen password' })).toMatchObject({ ok: false, code: 'USAGE' });
    expect(await s.call('vault.changePassword', { current: 'guess', next: 'attacker chosen password' })).toMatchObject({ ok: false, code: 'VAULT_WRONG_PASSWORD' });
    expect(await s.call('vault.recoveryKey', { password: 'guess' })).toMatchObject({ ok: false, code: 'VAULT_WRONG_PASSWORD' });
    // The vault is as it was: same password, one account, no rekey happened.
    expect(await s.app.service.dispatch('accounts.reveal', { id: s.id, password: E2E_PASSWORD })).toMatchObject({ ok: true, value: { secretBase32: SECRET } });
    expectNothingLeaked(s);
  });
});
