import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';

/** Issue 13, item 1: what the recovery key lets a door do, and no more. */
const PASSWORD = 'correct horse battery staple 7';
const NEXT = 'a different long passphrase';

describe('a session opened with the recovery key', () => {
  it('sets one new password without the old one, then is a password session: the next change needs it', async () => {
    const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf() });
    const client = createClient((channel, payload) => service.dispatch(channel, payload));
    const { recoveryKey } = await client.call('vault.create', { password: PASSWORD });
    expect(await client.call('vault.unlock', { recoveryKey })).toMatchObject({ locked: false, unlockedBy: 'recovery' });
    await client.call('vault.changePassword', { next: NEXT });
    expect(await client.call('vault.status', {})).toMatchObject({ unlockedBy: 'password' });
    await expect(client.call('vault.changePassword', { next: 'yet another long passphrase' })).rejects.toMatchObject({ code: 'USAGE' });
    // The password just set is the re-authentication a new recovery key asks for.
    const { recoveryKey: fresh } = await client.call('vault.recoveryKey', { password: NEXT });
    await client.call('vault.lock', {});
    await expect(client.call('vault.unlock', { recoveryKey })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await expect(client.call('vault.unlock', { password: PASSWORD })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    expect(await client.call('vault.unlock', { recoveryKey: fresh })).toMatchObject({ unlockedBy: 'recovery' });
  });
});
