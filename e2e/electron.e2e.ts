import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../main/test-support/facts.js';
// @ts-expect-error -- a plain .mjs script without types; findElectronBinary(env) returns a path or undefined
import { findElectronBinary } from '../scripts/start.mjs';

const binary = (findElectronBinary as (env?: NodeJS.ProcessEnv) => string | undefined)();
const PASSWORD = 'electron e2e password';
const SECRET = 'JBSWY3DPEHPK3PXP';

/**
 * The app as shipped: Electron's main process, the bundled preload, the real IPC. Runs only where
 * Electron's binary is installed (it can't be downloaded on the CI machine; `npx install-electron`
 * elsewhere). The in-process specs cover the same screens with a movable clock.
 */
describe.skipIf(binary === undefined)('the same app under Electron (Playwright _electron)', () => {
  it('first run, add by URI with oathtool’s code, copy, lock; no Node in the page', async () => {
    const home = mkdtempSync(join(tmpdir(), 'latchkey-electron-'));
    const app = await electron.launch({ executablePath: binary, args: [REPO_ROOT], env: { ...process.env, LATCHKEY_HOME: home } });
    try {
      const page = await app.firstWindow();
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Repeat it').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create vault' }).click();
      await page.getByRole('button', { name: 'I have written it down' }).click();
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByLabel('Paste an otpauth:// link').fill(`otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`);
      await page.getByRole('button', { name: 'Add account' }).click();
      const shown = ((await page.getByTestId('code').first().textContent()) ?? '').replace(' ', '');
      const now = Math.floor(Date.now() / 1000);
      const around = [now - 30, now, now + 30].map((t) => execFileSync('oathtool', ['--totp', `--now=@${String(t)}`, '--base32', SECRET], { encoding: 'utf8' }).trim());
      expect(around).toContain(shown);
      await page.getByTestId('code').first().click();
      await expect.poll(() => app.evaluate(({ clipboard }) => clipboard.readText())).toBe(shown);
      // Context isolation and the sandbox, seen from the page (the options themselves: window-policy.test.ts).
      const globals = await page.evaluate(() => {
        const scope = window as unknown as Record<string, unknown>;
        return [typeof scope['require'], typeof scope['process'], typeof scope['ipcRenderer'], Object.keys(scope['latchkey'] as object).join(',')];
      });
      expect(globals).toEqual(['undefined', 'undefined', 'undefined', 'call']);
      await page.getByRole('button', { name: 'Lock' }).click();
      await page.getByRole('button', { name: 'Unlock' }).waitFor();
      // Lock cleared our code from the clipboard.
      await expect.poll(() => app.evaluate(({ clipboard }) => clipboard.readText())).toBe('');
    } finally {
      await app.close();
    }
  });
});
