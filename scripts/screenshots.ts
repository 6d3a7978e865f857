/**
 * `npm run screenshots`: the app's screens in headless Chromium over the real service, each as
 * NAME-light.png and NAME-dark.png (prefers-color-scheme emulated; the app follows it), into
 * $SCREENSHOTS_DIR (default screenshots/). Builds the renderer (and the page bridge) first when they
 * are missing or older than their sources. Exits 1, naming the screen, when a screen can't be reached.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import buildRenderer from '../e2e/build-renderer.js';
import { desktopWithKeyring, fakeKeyring } from '../e2e/fake-keyring.js';
import { launchChromium, openApp } from '../e2e/harness.js';
import { APP_ORIGIN } from '../main/app-chromium/serve-renderer.js';
import {
  addAccounts,
  createUnlockedVault,
  clientFor,
  displayName,
  ENDING_ISSUER,
  momentWithOneEnding,
  SAMPLE_ACCOUNTS,
  sampleUri,
  SEARCH_QUERY,
  searchMatches,
} from '../e2e/sample-accounts.js';
import { holdableDevices, SAMPLE_YUBIKEY_SERIAL, sampleKeys } from '../e2e/sample-keys.js';
import { testClock } from '../main/vault/test-support/test-runtime.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const SCREENS = ['first-run', 'unlock', 'accounts', 'search', 'add', 'account-details', 'vault-settings', 'keys', 'sync-plan', 'sync-progress', 'backup-verify', 'quick-search'] as const;
export type Screen = (typeof SCREENS)[number];
export const SCHEMES = ['light', 'dark'] as const;
/** A desktop authenticator's window, in CSS pixels; PNGs are twice that (deviceScaleFactor 2). */
export const WINDOW = { width: 440, height: 760 } as const;
export const SCALE = 2;
/** Thursday 14 May 2025, 09:41:17 UTC: with the sample accounts, one code (ENDING_ISSUER) has 3 s left. */
export const MOMENT = momentWithOneEnding(Date.UTC(2025, 4, 14, 9, 41));
const PASSWORD = 'correct horse battery staple';
/** What the quick-search screenshot has typed: a letter four sample issuers start with. */
const QUICK_QUERY = 'd';
const BACKUP_PASSWORD = 'tangerine ocelot basalt fjord';

export interface ScreenshotResult {
  /** Absolute paths of the files written. */
  readonly files: string[];
  /** Screens that could not be reached, with why. */
  readonly failures: { screen: Screen; message: string }[];
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function isStale(output: string, inputs: readonly string[]): boolean {
  return !existsSync(output) || statSync(output).mtimeMs < Math.max(...inputs.map((input) => newestMtime(join(ROOT, input))));
}

/** Builds renderer/dist (as the e2e setup does) and dist/page-bridge.js when missing or stale. */
export function ensureAppBuilt(): void {
  if (isStale(join(ROOT, 'renderer', 'dist', 'index.html'), ['renderer/src', 'renderer/index.html', 'renderer/vite.config.ts', 'shared'])) {
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      buildRenderer();
    } finally {
      process.chdir(cwd);
    }
  }
  if (isStale(join(ROOT, 'dist', 'page-bridge.js'), ['main/app-chromium/page-bridge.ts', 'shared'])) {
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-preload.mjs')], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error('building the page bridge failed');
  }
}

/**
 * Waits for fonts and two frames, then stills every animation where the fixed moment puts it: the
 * countdown rings (CSS animations started part-way by a negative delay) at their start, spinners at
 * rest, and anything else (a dialog's entrance, a transition) at its end.
 */
async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise<void>((done) => {
      requestAnimationFrame(() => {
        requestAnimationFrame(() => {
          done();
        });
      });
    });
    for (const animation of document.getAnimations()) {
      const timing = animation.effect?.getTiming();
      if (timing !== undefined && ((typeof timing.delay === 'number' && timing.delay < 0) || timing.iterations === Infinity)) {
        animation.pause();
        animation.currentTime = 0;
      } else {
        animation.finish();
      }
    }
  });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/**
 * Takes every screen in both colour schemes into `outDir`. One vault goes through the app's life:
 * first run, then locked, then twenty accounts (added with `accounts.add`) at a moment when exactly
 * one code is about to change; the service clock and the page's clock are fixed to that moment.
 */
export async function takeScreenshots(outDir: string, options: { browser?: Browser; stepTimeoutMs?: number } = {}): Promise<ScreenshotResult> {
  const timeout = options.stepTimeoutMs ?? 5000;
  mkdirSync(outDir, { recursive: true });
  const browser = options.browser ?? (await launchChromium());
  const files: string[] = [];
  const failures: { screen: Screen; message: string }[] = [];
  try {
    // The keys can be held part-way through a sync, for the sync-progress screen.
    const keys = holdableDevices(sampleKeys());
    const app = await openApp(browser, {
      clock: testClock(MOMENT),
      viewport: WINDOW,
      deviceScaleFactor: SCALE,
      colorScheme: 'light',
      beforeLoad: (page) => page.clock.setFixedTime(MOMENT),
      // The desktop app's keyring (faked): the vault settings show the keyring unlock as the app offers it.
      desktop: desktopWithKeyring(fakeKeyring()),
      // A YubiKey (OTP slots and OATH) and a Nitrokey 3, emulated: the keys panel lists both.
      keys: { devices: keys.devices },
    });
    const { page } = app;
    page.setDefaultTimeout(timeout);
    page.setDefaultNavigationTimeout(30_000);
    const client = clientFor(app.service);

    /** `reach` brings the screen up and waits until it is ready; `leave` puts the app back for the next one. */
    async function shoot(screen: Screen, reach: () => Promise<void>, leave?: () => Promise<void>): Promise<void> {
      try {
        await reach();
        for (const scheme of SCHEMES) {
          await page.emulateMedia({ colorScheme: scheme });
          await settle(page);
          const file = join(outDir, `${screen}-${scheme}.png`);
          await page.screenshot({ path: file, caret: 'hide' });
          files.push(file);
        }
      } catch (error) {
        failures.push({ screen, message: firstLine(error) });
      } finally {
        await page.emulateMedia({ colorScheme: 'light' });
        await leave?.().catch(() => page.reload().catch(() => undefined));
      }
    }

    await shoot('first-run', () => page.getByRole('button', { name: 'Create vault' }).waitFor());

    await shoot('unlock', async () => {
      await client.call('vault.create', { password: PASSWORD });
      await page.reload();
      await page.getByRole('button', { name: 'Unlock' }).waitFor();
    });

    const first = SAMPLE_ACCOUNTS[0];
    await shoot('accounts', async () => {
      if ((await client.call('vault.status', {})).exists) await client.call('vault.unlock', { password: PASSWORD });
      else await createUnlockedVault(client, PASSWORD);
      await addAccounts(client, SAMPLE_ACCOUNTS.map(sampleUri));
      await page.reload();
      await page.getByLabel('Search accounts').waitFor();
      if (first !== undefined) await page.getByText(displayName(first), { exact: true }).first().waitFor();
      await page.getByText(ENDING_ISSUER, { exact: true }).first().waitFor();
      await page.getByTestId('code').first().waitFor();
    });

    /** After a dialog: a fresh page on the same unlocked service. */
    async function backToList(): Promise<void> {
      await page.reload();
      await page.getByLabel('Search accounts').waitFor();
    }

    const kept = searchMatches(SEARCH_QUERY).map(displayName);
    const dropped = SAMPLE_ACCOUNTS.map(displayName).find((name) => !kept.includes(name));
    await shoot(
      'search',
      async () => {
        await page.getByLabel('Search accounts').fill(SEARCH_QUERY);
        for (const name of kept) await page.getByText(name, { exact: true }).first().waitFor();
        if (dropped !== undefined) await page.getByText(dropped, { exact: true }).first().waitFor({ state: 'hidden' });
      },
      () => page.getByLabel('Search accounts').fill(''),
    );

    await shoot(
      'add',
      async () => {
        await page.getByRole('button', { name: 'Add', exact: true }).click();
        await page
          .getByRole('dialog', { name: 'Add account' })
          .waitFor()
          .catch((error: unknown) => {
            throw new Error(`the dialog "Add account" did not open after clicking Add (${firstLine(error)})`);
          });
      },
      backToList,
    );

    await shoot(
      'account-details',
      async () => {
        await page
          .getByRole('button', { name: /^Details for / })
          .first()
          .click()
          .catch((error: unknown) => {
            throw new Error(`no "Details for …" button to click (${firstLine(error)})`);
          });
        await page
          .getByRole('dialog')
          .waitFor()
          .catch((error: unknown) => {
            throw new Error(`no dialog opened after clicking "Details for …" (${firstLine(error)})`);
          });
      },
      backToList,
    );
    /** Opens a panel from Settings by its button, and shows the section titled `heading` at the top of the dialog. */
    async function openFromSettings(button: string, heading: string): Promise<void> {
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('button', { name: button }).click();
      const title = page.getByRole('heading', { name: heading });
      await title.waitFor();
      await title.evaluate((element) => { element.scrollIntoView({ block: 'start' }); });
    }

    await shoot('vault-settings', () => openFromSettings('Vault: password, keys, keyring…', 'Ways into the vault'), backToList);

    await shoot(
      'keys',
      async () => {
        // A few accounts copied onto the YubiKey first, so its room is partly used.
        const { accounts } = await client.call('accounts.list', {});
        const onKey = accounts.filter((account) => ['GitHub', 'Google', 'Proton', 'Cloudflare'].includes(account.issuer)).map((account) => account.id);
        await client.call('keys.put', { serial: SAMPLE_YUBIKEY_SERIAL, accountIds: onKey, vaultPassword: PASSWORD });
        await openFromSettings('Security keys…', 'Security keys');
        await page.getByRole('list', { name: 'Keys found' }).getByRole('listitem').nth(1).waitFor();
        await page.getByTestId('key-room').filter({ hasText: 'used' }).first().waitFor();
        // One code computed on the key, as after a click on its Show code.
        const github = page.getByRole('listitem', { name: 'GitHub alice-martin' });
        await github.getByRole('button', { name: 'Show code' }).click();
        await github.getByTestId('on-key-code').waitFor();
      },
      backToList,
    );

    /** Opens the sync panel from the keys panel and shows the plan for every account onto both keys. */
    async function openSyncPlan(): Promise<void> {
      await openFromSettings('Security keys…', 'Security keys');
      await page.getByRole('button', { name: 'Sync accounts to keys…' }).click();
      await page.getByRole('heading', { name: 'Sync accounts to keys' }).waitFor();
      await page.getByRole('group', { name: 'Keys' }).getByRole('checkbox').nth(1).waitFor();
      await page.getByRole('button', { name: 'Show the plan' }).click();
      await page.getByRole('region', { name: 'The plan, accounts by keys' }).waitFor({ timeout: 15_000 });
    }

    await shoot('sync-plan', openSyncPlan, backToList);

    await shoot(
      'sync-progress',
      async () => {
        await openSyncPlan();
        // Held at the seventh write: six accounts written and checked, one being written, the rest to go.
        let steps = 0;
        const stop = app.service.onEvent((name, event) => {
          if (name === 'op.progress' && (event as { stage: string }).stage.startsWith('Adding ') && ++steps === 7) keys.hold();
        });
        try {
          const form = page.getByTestId('sync-apply');
          await form.getByLabel('Vault password').fill(PASSWORD);
          await form.getByRole('button', { name: /^Write \d+ to the keys$/ }).click();
          await page.getByTestId('sync-progress').waitFor();
          for (let tries = 0; keys.waiting() === 0 && tries < 200; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
          if (keys.waiting() === 0) throw new Error('the sync never reached its seventh write');
          await page.locator('.sync-cell.writing').waitFor();
          // The panel from its top: the keys' room, the progress, and the table's first rows.
          await page.getByRole('dialog').evaluate((element) => { element.scrollTop = 0; });
        } finally {
          stop();
        }
      },
      async () => {
        // Cancelled, then let go: the sync stops between credentials (what was written stays recorded).
        await page.getByTestId('sync-progress').getByRole('button', { name: 'Cancel' }).click();
        keys.release();
        await page.getByRole('heading', { name: 'Sync stopped' }).waitFor({ timeout: 15_000 });
        await backToList();
      },
    );

    await shoot(
      'backup-verify',
      async () => {
        // A backup made earlier; since then one account was removed and one added: the comparison shows both.
        const folder = mkdtempSync(join(tmpdir(), 'latchkey-screenshots-backup-'));
        const file = join(folder, 'latchkey-2025-05-01.lkbak');
        await client.call('backup.create', { path: file, password: BACKUP_PASSWORD, vaultPassword: PASSWORD });
        const { accounts } = await client.call('accounts.list', {});
        const gone = accounts.at(-1);
        if (gone !== undefined) await client.call('accounts.remove', { id: gone.id });
        await client.call('accounts.add', { uri: 'otpauth://totp/Fastmail:me%40example.com?secret=MFRGGZDFMZTWQ2LK&issuer=Fastmail' });
        await backToList();
        app.prompts.path = file;
        await openFromSettings('Backups and transfer…', 'Make a backup');
        const form = page.getByTestId('verify-backup');
        await form.getByLabel('The backup’s password').fill(BACKUP_PASSWORD);
        await form.getByRole('button', { name: 'Choose a backup…' }).click();
        const heading = page.getByRole('heading', { name: 'Verify or restore a backup' });
        await page.getByTestId('backup-comparison').waitFor({ timeout: 15_000 });
        await heading.evaluate((element) => { element.scrollIntoView({ block: 'start' }); });
      },
      backToList,
    );

    await shoot(
      'quick-search',
      async () => {
        // The quick-search window's page (the same page at #quick; a hash change alone would not load it).
        await page.goto(`${APP_ORIGIN}/index.html#quick`);
        await page.reload();
        await page.getByLabel('Quick search').fill(QUICK_QUERY);
        await page.getByRole('option').first().waitFor();
      },
      async () => {
        await page.goto(`${APP_ORIGIN}/index.html`);
        await backToList();
      },
    );
    app.service.lock();
    await page.context().close();
  } finally {
    if (options.browser === undefined) await browser.close();
  }
  return { files, failures };
}

async function main(): Promise<void> {
  const outDir = resolve(process.env['SCREENSHOTS_DIR'] ?? 'screenshots');
  ensureAppBuilt();
  const { files, failures } = await takeScreenshots(outDir);
  console.log(`${String(files.length)} screenshots in ${outDir}`);
  for (const { screen, message } of failures) console.error(`screenshots: the "${screen}" screen failed: ${message}`);
  if (failures.length > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
