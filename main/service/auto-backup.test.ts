import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { encodeBase32 } from '../otp/index.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { DAY_MS, DEBOUNCE_MS } from './backup/auto-backup.js';
import { createService } from './create-service.js';
import { manualTimers } from './test-support/manual-timers.js';

const PASSWORD = 'auto backup vault password';

/** The shared hand-moved timers, then a pause for the backups they started to finish writing. */
function settlingTimers(clock: ReturnType<typeof testClock>) {
  const manual = manualTimers(clock);
  return {
    ...manual,
    advance: async (ms: number) => {
      manual.advance(ms);
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}

async function setup() {
  const clock = testClock(Date.UTC(2026, 10, 23, 12));
  const manual = settlingTimers(clock);
  // The user is always near the keyboard (a working system counter, never idle past 61 s), so the idle
  // lock stays out of these day-long runs. A counter stuck at 0 would count as unsupported (idle-lock.ts).
  const service = createService({ clock, timers: manual.timers, vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), idleSeconds: () => 61 });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-auto-'));
  return { client, manual, folder, service };
}

/** Each account its own secret: accounts with the same secret and type are the same account. */
const add = (client: Awaited<ReturnType<typeof setup>>['client'], label: string) =>
  client.call('accounts.add', { account: { secretBase32: encodeBase32(new TextEncoder().encode(`secret-${label}`)), issuer: 'Auto', label } });

let lastSeen: string | undefined;

/** Waits until a new backup has recorded itself (runs wait behind other password work). */
async function settle(client: Awaited<ReturnType<typeof setup>>['client']) {
  for (let i = 0; i < 200; i++) {
    const status = await client.call('backup.auto.status', {});
    const marker = status.last === null ? undefined : `${status.last.file}@${String(status.last.at)}`;
    if (!status.pending && marker !== undefined && marker !== lastSeen) {
      lastSeen = marker;
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no automatic backup was recorded');
}

describe('automatic backups', () => {
  it('are off until a folder and a password are set', async () => {
    const { client, manual } = await setup();
    await add(client, 'one');
    expect(await client.call('backup.auto.status', {})).toMatchObject({ enabled: false, pending: false, last: null });
    expect(manual.count()).toBe(1); // the idle lock's one timer, no backup timer
  });

  it('run after changes (debounced), verify what they wrote, and keep the newest N', async () => {
    const { client, manual, folder } = await setup();
    writeFileSync(join(folder, 'notes.txt'), 'not ours: never pruned');
    await client.call('backup.auto.configure', { folder, password: 'auto backup password', keep: 2, vaultPassword: PASSWORD });
    await manual.advance(0); // the first daily backup is due at once
    await settle(client);
    expect((await client.call('backup.auto.status', {})).last).toMatchObject({ verified: true });

    for (const label of ['a', 'b', 'c']) {
      await add(client, label);
      await add(client, `${label}2`);
      expect(await client.call('backup.auto.status', {})).toMatchObject({ pending: true });
      await manual.advance(DEBOUNCE_MS - 1);
      expect(await client.call('backup.auto.status', {})).toMatchObject({ pending: true });
      await manual.advance(1_000);
      await settle(client);
      // One backup per distinct second: the file name has second resolution.
    }
    const files = readdirSync(folder).sort();
    expect(files.filter((f) => f.endsWith('.lkbak'))).toHaveLength(2);
    expect(files).toContain('notes.txt');
    const status = await client.call('backup.auto.status', {});
    expect(status).toMatchObject({ enabled: true, keep: 2, pending: false, lastError: null, last: { verified: true } });
    expect((await client.call('backup.lastVerification', {})).verification).toMatchObject({ vaultAccounts: 6, matching: 6 });
  });

  it('runs daily, and locking cancels whatever is pending', async () => {
    const { client, manual, folder } = await setup();
    await client.call('backup.auto.configure', { folder, password: 'auto backup password', keep: 10, vaultPassword: PASSWORD });
    await manual.advance(0);
    await settle(client);
    const first = readdirSync(folder).length;
    await manual.advance(DAY_MS);
    await settle(client);
    expect(readdirSync(folder).length).toBe(first + 1);
    await add(client, 'late');
    await client.call('vault.lock', {});
    expect(manual.count()).toBe(0);
  });

  it('a settings change is not an account change: no backup follows, and the configuration stays', async () => {
    const { client, manual, folder } = await setup();
    await client.call('backup.auto.configure', { folder, password: 'auto backup password', keep: 3, vaultPassword: PASSWORD });
    await manual.advance(0);
    await settle(client);
    await client.call('settings.set', { autoLockMinutes: 60, clipboardClearSeconds: 10, theme: 'dark' });
    expect(await client.call('backup.auto.status', {})).toMatchObject({ enabled: true, keep: 3, pending: false, lastError: null });
    await add(client, 'after-settings');
    await manual.advance(DEBOUNCE_MS);
    await settle(client);
    expect(await client.call('backup.auto.status', {})).toMatchObject({ lastError: null, last: { verified: true } });
    expect(await client.call('settings.get', {})).toEqual({ autoLockMinutes: 60, clipboardClearSeconds: 10, theme: 'dark' });
  });
});
