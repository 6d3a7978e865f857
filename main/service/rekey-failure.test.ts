import { describe, expect, it, vi } from 'vitest';
import { createClient } from '../../shared/client.js';
import { VaultError } from '../vault/vault-error.js';
import type * as VaultIndex from '../vault/index.js';
import { KDF_FLOOR, type VaultSession } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { manualTimers } from './test-support/manual-timers.js';

/**
 * A session locked under the host by a failed rekey (rekey.ts knows nothing of the host; today its
 * transaction rolls back and keeps the old keys) must still lock the host. The failure is simulated here.
 */
const failure = vi.hoisted(() => ({ lockFirst: true }));
vi.mock('../vault/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof VaultIndex>();
  return {
    ...actual,
    rekeyVault: async (session: VaultSession, password: string) => {
      await session.reauthenticate(password);
      if (failure.lockFirst) session.lock();
      throw new VaultError('VAULT_IN_USE', 'the vault is in use by another process');
    },
  };
});

const PASSWORD = 'rekey failure test password';

async function setup() {
  const clock = testClock();
  const manual = manualTimers(clock);
  const service = createService({ clock, timers: manual.timers, vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), dailyBackups: false });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  let locks = 0;
  service.onLock(() => locks++);
  return { manual, client, locks: () => locks };
}

describe('vault.rekey that fails', () => {
  it('after locking the session: the host locks too, so its lock listeners run (idle timer gone, doors told)', async () => {
    failure.lockFirst = true;
    const { manual, client, locks } = await setup();
    expect(manual.count()).toBe(1);
    await expect(client.call('vault.rekey', { password: PASSWORD })).rejects.toMatchObject({ code: 'VAULT_IN_USE' });
    expect(locks()).toBe(1);
    expect(manual.count()).toBe(0);
    expect(await client.call('vault.status', {})).toMatchObject({ locked: true });
    // The password still opens the unchanged file.
    expect(await client.call('vault.unlock', { password: PASSWORD })).toMatchObject({ locked: false });
  });

  it('before touching the keys: the vault stays unlocked, nothing is told', async () => {
    failure.lockFirst = false;
    const { manual, client, locks } = await setup();
    await expect(client.call('vault.rekey', { password: PASSWORD })).rejects.toMatchObject({ code: 'VAULT_IN_USE' });
    expect(locks()).toBe(0);
    expect(manual.count()).toBe(1);
    expect(await client.call('vault.status', {})).toMatchObject({ locked: false });
  });
});
