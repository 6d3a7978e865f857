import { describe, expect, it } from 'vitest';
import { createClient, type LatchkeyClient } from '../../shared/client.js';
import { LatchkeyError } from '../../shared/errors.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { createDevices } from './devices.js';

/**
 * The sync channels (keys-sync-api.ts) through the service, with two emulated keys (a YubiKey's
 * OATH card and a Nitrokey 3): plan, apply behind the vault password, the inventory, and a second
 * plan with nothing to do. The core's own cases are in sync/*.test.ts.
 */
const PASSWORD = 'vault password for the sync channels';

async function setup(): Promise<{ client: LatchkeyClient; serials: number[] }> {
  const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices: createDevices({ emulators: ['yubikey-oath', 'nitrokey3'] }) } });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  await client.call('accounts.add', { uri: 'otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub' });
  await client.call('accounts.add', { uri: 'otpauth://hotp/Bank:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Bank&counter=16' });
  const { keys } = await client.call('keys.list', {});
  const serials = keys.flatMap((key) => (key.kind === 'yubikey-otp' || key.serial === null ? [] : [key.serial]));
  return { client, serials };
}

async function failure(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('sync channels', () => {
  it('plan, apply and inventory over two emulated keys; a second plan has nothing to do', async () => {
    const { client, serials } = await setup();
    expect(serials).toHaveLength(2);
    expect((await failure(client.call('keys.syncPlan', {}))).code).toBe('AMBIGUOUS');
    const plan = await client.call('keys.syncPlan', { keys: serials });
    expect(plan.actions.map((action) => [action.key, action.name, action.action])).toEqual([
      [serials[0], 'GitHub:alice', 'add'],
      [serials[0], 'Bank:bob', 'add'],
      [serials[1], 'GitHub:alice', 'add'],
      [serials[1], 'Bank:bob', 'skip'],
    ]);
    expect(plan.fits).toBe(true);
    expect((await failure(client.call('keys.syncApply', { keys: serials, vaultPassword: 'not it' }))).code).toBe('VAULT_WRONG_PASSWORD');
    const applied = await client.call('keys.syncApply', { keys: serials, vaultPassword: PASSWORD });
    expect(applied.applied.map((cell) => [cell.key, cell.name, cell.check])).toEqual([
      [serials[0], 'GitHub:alice', 'code-match'],
      [serials[0], 'Bank:bob', 'present'],
      [serials[1], 'GitHub:alice', 'code-match'],
    ]);
    const again = await client.call('keys.syncPlan', { keys: serials });
    expect(again.actions.map((action) => action.action)).toEqual(['identical', 'identical', 'identical', 'skip']);
    const inventory = await client.call('keys.inventory', {});
    expect(inventory.accounts.map((account) => [account.label, account.keys])).toEqual([
      ['alice', [...serials].sort((a, b) => a - b)],
      ['bob', [serials[0]]],
    ]);
    expect(inventory.seen.length).toBe(2);
    expect(inventory.drift).toEqual([]);
  });

  it('a YubiKey with an access password: KEY_PIN_REQUIRED naming it, then planned with the password', async () => {
    const { client } = await setup();
    const { keys } = await client.call('keys.list', {});
    const yubikey = keys.find((key) => key.kind === 'yubikey-oath')?.serial;
    if (yubikey == null) throw new Error('an emulated YubiKey with a serial');
    await client.call('keys.password', { serial: yubikey, action: 'set', newPassword: 'key password' });
    const refused = await failure(client.call('keys.syncPlan', { keys: [yubikey] }));
    expect(refused.code).toBe('KEY_PIN_REQUIRED');
    expect(refused.message).toContain(String(yubikey));
    const plan = await client.call('keys.syncPlan', { keys: [yubikey], auth: [{ serial: yubikey, password: 'key password' }] });
    expect(plan.actions.map((action) => action.action)).toEqual(['add', 'add']);
  });
});
