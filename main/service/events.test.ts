import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import type { EventName } from '../../shared/events.js';
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
