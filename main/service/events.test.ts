import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import type { EventName } from '../../shared/events.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';

const PASSWORD = 'events test vault password';
const URI = (issuer: string) => `otpauth://totp/${issuer}:x?secret=JBSWY3DPEHPK3PXP&issuer=${issuer}`;
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function serviceOn(vaultPath: string, watchOtherWriters: boolean) {
  const service = createService({ clock: testClock(), vaultPath, kdf: KDF_FLOOR, deriveKey: memoisedKdf(), watchOtherWriters });
  const seen: [EventName, unknown][] = [];
  service.onEvent((name, payload) => seen.push([name, payload]));
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  return { service, client, seen };
}

describe('events for the page', () => {
  it('lock, unlock, settings and this process’s account changes are told', async () => {
    const { client, seen } = serviceOn(tempVaultPath(), false);
    await client.call('vault.create', { password: PASSWORD });
    await client.call('vault.unlock', { password: PASSWORD });
    await client.call('accounts.add', { uri: URI('Here') });
    await client.call('settings.set', { theme: 'dark' });
    await client.call('vault.lock', {});
    expect(seen).toEqual([
      ['vault.unlocked', {}],
      ['accounts.changed', { by: 'here' }],
      ['settings.changed', {}],
      ['vault.locked', {}],
    ]);
  });

  it('one user action that writes is one accounts.changed, whichever door or handler made it; one that writes nothing is none', async () => {
    const { client, seen } = serviceOn(tempVaultPath(), false);
    await client.call('vault.create', { password: PASSWORD });
    await client.call('vault.unlock', { password: PASSWORD });
    const changes = () => seen.filter(([name]) => name === 'accounts.changed').length;
    const fileBase64 = readFileSync(join(REPO_ROOT, 'main/formats/otpauth-list/fixtures/golden.txt')).toString('base64');

    const preview = await client.call('import.preview', { fileBase64 });
    expect((await client.call('import.commit', { previewId: preview.previewId })).added).toHaveLength(12);
    expect(changes()).toBe(1);

    // Every account is a duplicate now: nothing is written, nothing is told.
    const again = await client.call('import.preview', { fileBase64 });
    expect(await client.call('import.commit', { previewId: again.previewId })).toMatchObject({ added: [], skipped: 12 });
    expect(changes()).toBe(1);

    // A duplicate refused is judged inside the write: nothing is written, nothing is told.
    const twin = 'otpauth://totp/Twin:x?secret=MFRGGZDFMZTWQ2LK&issuer=Twin';
    await client.call('accounts.add', { uri: twin, onDuplicate: 'refuse' });
    expect(changes()).toBe(2);
    await expect(client.call('accounts.add', { uri: twin, onDuplicate: 'refuse' })).rejects.toMatchObject({ code: 'ACCOUNT_DUPLICATE' });
    expect(changes()).toBe(2);
    const [first] = (await client.call('accounts.list', {})).accounts;

    // Settings and reads change no account.
    await client.call('settings.set', { theme: 'light' });
    await client.call('accounts.details', { id: first?.id ?? '' });
    expect(changes()).toBe(2);
    await client.call('accounts.reorder', { ids: [first?.id ?? ''] });
    expect(changes()).toBe(3);
    await client.call('vault.lock', {});
  });

  it('another process’s commit is told as accounts.changed elsewhere; our own writes and an idle vault wake nothing', async () => {
    const path = tempVaultPath();
    const app = serviceOn(path, true);
    await app.client.call('vault.create', { password: PASSWORD });
    await app.client.call('vault.unlock', { password: PASSWORD });
    await app.client.call('accounts.add', { uri: URI('Mine') });
    await settle(300);
    expect(app.seen.filter(([, payload]) => (payload as { by?: string }).by === 'elsewhere')).toEqual([]);

    // The CLI is another connection to the same file.
    const cli = serviceOn(path, false);
    await cli.client.call('vault.unlock', { password: PASSWORD });
    await cli.client.call('accounts.add', { uri: URI('Theirs') });
    await expect.poll(() => app.seen.filter(([, payload]) => (payload as { by?: string }).by === 'elsewhere').length, { timeout: 5000 }).toBe(1);
    cli.service.lock();

    // Idle: nothing is written, nothing is told (no polling behind it).
    const before = app.seen.length;
    await settle(500);
    expect(app.seen.length).toBe(before);
    app.service.lock();
  });

  it('a client gets events parsed, and a malformed one is dropped', () => {
    let deliver: ((name: unknown, payload: unknown) => void) | undefined;
    const client = createClient(
      () => Promise.resolve({ ok: true, value: {} }),
      (listener) => {
        deliver = listener;
        return () => undefined;
      },
    );
    const got: unknown[] = [];
    client.on('accounts.changed', (payload) => got.push(payload));
    deliver?.('accounts.changed', { by: 'elsewhere' });
    deliver?.('accounts.changed', { by: 'nowhere' });
    deliver?.('not.an.event', {});
    expect(got).toEqual([{ by: 'elsewhere' }]);
  });
});
