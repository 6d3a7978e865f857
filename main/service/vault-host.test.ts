import { describe, expect, it } from 'vitest';
import { createVault, unlockVault } from '../vault/index.js';
import { tempVaultPath, testRuntime } from '../vault/test-support/test-runtime.js';
import { VaultHost } from './vault-host.js';

const PASSWORD = 'vault host test password';

async function unlockedSession() {
  const path = tempVaultPath();
  const runtime = await testRuntime();
  await createVault(path, PASSWORD, runtime);
  return { path, runtime, session: await unlockVault(path, { password: PASSWORD }, runtime) };
}

describe('VaultHost', () => {
  it('an unlock listener that fails (the idle lock not armed) leaves the vault locked, and tells the lock listeners', async () => {
    const { path, runtime, session } = await unlockedSession();
    const host = new VaultHost({ vaultPath: path, clock: runtime.clock });
    let locks = 0;
    host.onLock(() => locks++);
    host.onUnlock(() => {
      throw new Error('could not arm the idle lock');
    });
    expect(() => {
      host.adopt(session);
    }).toThrow('could not arm the idle lock');
    expect(host.isUnlocked).toBe(false);
    expect(session.isLocked).toBe(true);
    expect(locks).toBe(1);
    expect(() => host.session()).toThrow(expect.objectContaining({ code: 'VAULT_LOCKED' }));
  });

  it('every lock listener runs even when one fails; the first error goes on after', async () => {
    const { path, runtime, session } = await unlockedSession();
    const host = new VaultHost({ vaultPath: path, clock: runtime.clock });
    const told: string[] = [];
    host.onLock(() => {
      told.push('first');
      throw new Error('first listener failed');
    });
    host.onLock(() => told.push('second'));
    host.adopt(session);
    expect(() => {
      host.lock();
    }).toThrow('first listener failed');
    expect(told).toEqual(['first', 'second']);
    expect(session.isLocked).toBe(true);
    expect(host.isUnlocked).toBe(false);
  });
});
