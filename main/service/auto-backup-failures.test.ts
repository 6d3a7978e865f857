import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { encodeBase32 } from '../otp/index.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { manualTimers } from './test-support/manual-timers.js';

/** Issue 13 item 2: automatic backups that fail say so, when asked and later, in words. */
const PASSWORD = 'auto backup failures vault passphrase';
const BACKUP_PASSWORD = 'amber walrus quietly juggles 42 kites';
const kdf = memoisedKdf();

function setup(vaultPath = tempVaultPath()) {
  const clock = testClock(Date.UTC(2026, 11, 6, 8));
  const manual = manualTimers(clock);
  // As the CLI runs it: no daily timer, a change waits for flush().
  const service = createService({ clock, timers: manual.timers, vaultPath, kdf: KDF_FLOOR, deriveKey: kdf, dailyBackups: false, idleSeconds: () => 61 });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  return { client, service, clock, vaultPath };
}

async function fresh() {
  const setupResult = setup();
  await setupResult.client.call('vault.create', { password: PASSWORD });
  await setupResult.client.call('vault.unlock', { password: PASSWORD });
  return setupResult;
}

const add = (client: ReturnType<typeof setup>['client'], label: string) =>
  client.call('accounts.add', { account: { secretBase32: encodeBase32(new TextEncoder().encode(`secret-${label}`)), issuer: 'Auto', label } });

const configure = (client: ReturnType<typeof setup>['client'], folder: string) =>
  client.call('backup.auto.configure', { folder, password: BACKUP_PASSWORD, keep: 5, vaultPassword: PASSWORD });

describe('turning automatic backups on checks the folder', () => {
  it('a missing folder is made, mode 0700', async () => {
    const { client } = await fresh();
    const folder = join(mkdtempSync(join(tmpdir(), 'latchkey-auto-')), 'not', 'yet');
    expect(await configure(client, folder)).toMatchObject({ enabled: true, folder, last: null, lastFailure: null });
    expect(statSync(folder).isDirectory()).toBe(true);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(readdirSync(folder)).toEqual([]); // the write probe is gone
  });

  it('a folder that cannot be made, or a file in the way, is IO_ERROR in words, and they stay off', async () => {
    const { client } = await fresh();
    const error = await configure(client, '/proc/nope').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'IO_ERROR', message: 'cannot create the backup folder /proc/nope: no folder can be made there' });
    expect((error as Error).message).not.toMatch(/ENOENT|EACCES|errno/);
    const file = join(mkdtempSync(join(tmpdir(), 'latchkey-auto-')), 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(configure(client, file)).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('a file, not a folder') as unknown });
    await expect(configure(client, join(file, 'below'))).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('a part of its path is a file') as unknown });
    expect(await client.call('backup.auto.status', {})).toMatchObject({ enabled: false });
  });
});

describe('a backup that fails', () => {
  it('fails the request that asked for it (run, flush), and the failure is kept sealed for later processes', async () => {
    const { client, service, vaultPath, clock } = await fresh();
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-auto-'));
    await configure(client, folder);
    await client.call('backup.auto.run', {});
    expect(await client.call('backup.auto.status', {})).toMatchObject({ last: { verified: true }, lastFailure: null, lastError: null });

    rmSync(folder, { recursive: true });
    clock.advance(60_000);
    const run = await client.call('backup.auto.run', {}).catch((caught: unknown) => caught);
    expect(run).toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining(`the backup failed: cannot write a backup in ${folder}: it does not exist`) as unknown });
    expect((run as Error).message).not.toMatch(/ENOENT/);

    // A change, then the at-exit backup (the CLI's flush): it fails, and says the change was saved.
    await add(client, 'after');
    await expect(service.flush()).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(/^the change was saved, but the automatic backup failed: cannot write a backup in /) as unknown });
    const status = await client.call('backup.auto.status', {});
    expect(status.lastFailure).toMatchObject({ at: Math.floor(clock.now() / 1000), folder, code: 'IO_ERROR', reason: expect.stringContaining('it does not exist') as unknown });
    expect(status.lastError).toBe(status.lastFailure?.reason);
    service.lock();

    // Another process (every CLI command is one) sees the failure after its unlock.
    const later = setup(vaultPath);
    await later.client.call('vault.unlock', { password: PASSWORD });
    expect((await later.client.call('backup.auto.status', {})).lastFailure).toEqual(status.lastFailure);

    // The next backup that works clears it.
    await configure(later.client, folder);
    await later.client.call('backup.auto.run', {});
    expect(await later.client.call('backup.auto.status', {})).toMatchObject({ lastFailure: null, lastError: null, last: { verified: true } });
  });

  it('a new folder forgets the old one\'s last backup and failure', async () => {
    const { client } = await fresh();
    const first = mkdtempSync(join(tmpdir(), 'latchkey-auto-'));
    await configure(client, first);
    await client.call('backup.auto.run', {});
    expect((await client.call('backup.auto.status', {})).last?.file.startsWith(first)).toBe(true);
    const second = mkdtempSync(join(tmpdir(), 'latchkey-auto-'));
    expect(await configure(client, second)).toMatchObject({ folder: second, last: null, lastFailure: null });
  });

  it('--run with automatic backups off is refused, not a silent nothing', async () => {
    const { client } = await fresh();
    await expect(client.call('backup.auto.run', {})).rejects.toMatchObject({ code: 'USAGE' });
  });
});
