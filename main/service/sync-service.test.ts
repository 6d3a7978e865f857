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

  it('a target is a serial (number or digits) or SERIAL/otp: a malformed one is INVALID_REQUEST saying the form; the replies name each cell\'s target', async () => {
    const { client, serials } = await setup();
    const [first] = serials as [number];
    const refused = await failure(client.call('keys.syncPlan', { keys: [`${String(first)}/piv`] }));
    expect(refused.code).toBe('INVALID_REQUEST');
    expect(refused.message).toContain(`a sync target is a key's serial (digits, as \`latchkey keys list\` shows it) for its OATH accounts, or SERIAL/otp for a YubiKey's OTP slots, not "${String(first)}/piv"`);
    expect((await failure(client.call('keys.syncPlan', { keys: [2 ** 33] }))).code).toBe('INVALID_REQUEST');
    const byText = await client.call('keys.syncPlan', { keys: [`${String(first)}/oath`], choose: [{ key: String(first), name: 'GitHub:alice' }] });
    const byNumber = await client.call('keys.syncPlan', { keys: [first] });
    expect(byText.actions.map((action) => [action.key, action.target, action.name])).toEqual(byNumber.actions.map((action) => [action.key, action.target, action.name]));
    expect(byNumber.actions.map((action) => action.target)).toEqual([String(first), String(first)]);
    expect(byNumber.room.map((room) => room.target)).toEqual([String(first)]);
    // No YubiKey OTP interface is emulated here: its slots are not found, and nothing else is opened for them.
    const absent = await failure(client.call('keys.syncPlan', { keys: [`${String(first)}/otp`] }));
    expect(absent.code).toBe('KEY_NOT_FOUND');
    expect(absent.message).toBe(`no YubiKey with serial ${String(first)} shows its OTP slots (is it plugged in, with its OTP application enabled?)`);
  });

  it('a YubiKey with an access password: opened by the one the keys channels remember; after a lock KEY_PIN_REQUIRED naming it, then planned with the password, which is remembered again', async () => {
    const { client } = await setup();
    const { keys } = await client.call('keys.list', {});
    const yubikey = keys.find((key) => key.kind === 'yubikey-oath')?.serial;
    if (yubikey == null) throw new Error('an emulated YubiKey with a serial');
    await client.call('keys.password', { serial: yubikey, action: 'set', newPassword: 'key password' });
    // keys.password remembered it while the vault is unlocked: the sync channels use it too.
    expect((await client.call('keys.syncPlan', { keys: [yubikey] })).actions.map((action) => action.action)).toEqual(['add', 'add']);
    await client.call('vault.lock', {});
    await client.call('vault.unlock', { password: PASSWORD });
    const refused = await failure(client.call('keys.syncPlan', { keys: [yubikey] }));
    expect(refused.code).toBe('KEY_PIN_REQUIRED');
    expect(refused.message).toContain(String(yubikey));
    const plan = await client.call('keys.syncPlan', { keys: [yubikey], auth: [{ serial: yubikey, password: 'key password' }] });
    expect(plan.actions.map((action) => action.action)).toEqual(['add', 'add']);
    // The password given to the sync opens the key for the OATH channels too, until the vault locks.
    expect((await client.call('keys.credentials', { serial: yubikey })).credentials).toEqual([]);
    expect((await client.call('keys.inventory', {})).seen).toContain(yubikey);
  });

  it('rebuild: the lost key\'s accounts onto another key with the same names and touch flags, checked; the old serial marked lost; a deleted account is impossible', async () => {
    const { client, serials } = await setup();
    const [lost, fresh] = serials as [number, number];
    await client.call('accounts.add', { uri: 'otpauth://totp/Mail:carol?secret=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU&issuer=Mail' });
    await client.call('accounts.add', { uri: 'otpauth://totp/Gone:dave?secret=MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK&issuer=Gone' });
    const { accounts } = await client.call('accounts.list', {});
    const id = (label: string) => accounts.find((account) => account.label === label)?.id ?? '';
    // Mail:carol asks for a touch on the lost key; the others do not.
    await client.call('keys.syncApply', { keys: [lost], accountIds: [id('alice'), id('bob'), id('dave')], vaultPassword: PASSWORD });
    await client.call('keys.syncApply', { keys: [lost], accountIds: [id('carol')], touch: true, vaultPassword: PASSWORD });
    await client.call('accounts.remove', { id: id('dave') });
    const AT = 1_700_000_100;
    const before = await client.call('accounts.list', { at: AT });

    expect((await failure(client.call('keys.rebuild', { from: lost, to: fresh }))).code).toBe('INVALID_REQUEST');
    expect((await failure(client.call('keys.rebuild', { from: 4242, to: fresh, dryRun: true }))).code).toBe('NOT_FOUND');
    const dry = await client.call('keys.rebuild', { from: lost, to: fresh, dryRun: true });
    expect(dry.actions.map((action) => [action.key, action.name, action.action])).toEqual([
      [fresh, 'Bank:bob', 'add'],
      [fresh, 'GitHub:alice', 'add'],
      [fresh, 'Mail:carol', 'add'],
    ]);
    expect(dry.impossible.map((entry) => [entry.name, entry.accountId])).toEqual([['Gone:dave', id('dave')]]);
    expect(dry.impossible[0]?.reason).toContain('can’t be rebuilt');
    expect(dry.lostAt).toBeUndefined();
    expect((await client.call('keys.inventory', {})).keys.find((key) => key.serial === lost)?.lostAt).toBeUndefined();

    const done = await client.call('keys.rebuild', { from: lost, to: fresh, vaultPassword: PASSWORD });
    expect(done.applied.map((cell) => [cell.key, cell.name, cell.check])).toEqual([
      [fresh, 'Bank:bob', 'present'],
      [fresh, 'GitHub:alice', 'code-match'],
      [fresh, 'Mail:carol', 'present'],
    ]);
    const inventory = await client.call('keys.inventory', {});
    const onKey = (serial: number) =>
      inventory.keys.find((key) => key.serial === serial)?.credentials.filter((credential) => !credential.accountGone).map((credential) => [credential.name, credential.accountId, credential.touch, credential.type]);
    expect(onKey(fresh)).toEqual(onKey(lost));
    expect(inventory.keys.find((key) => key.serial === lost)?.lostAt).toBe(done.lostAt);
    // A lost key holds nothing any more as far as the accounts go: only the new one does.
    expect(inventory.accounts.map((account) => [account.label, account.keys])).toEqual([
      ['alice', [fresh]],
      ['bob', [fresh]],
      ['carol', [fresh]],
    ]);
    // The new key's codes are the vault's (the touch-free TOTP one computed by the key, now).
    const onFresh = await client.call('keys.calculate', { serial: fresh, query: 'alice', at: AT });
    expect(onFresh.matches.map((match) => match.code)).toEqual([before.accounts.find((account) => account.label === 'alice')?.code]);
    expect(await client.call('accounts.list', { at: AT })).toEqual(before);
    // A second rebuild plans nothing new.
    const again = await client.call('keys.rebuild', { from: lost, to: fresh, dryRun: true });
    expect(again.actions.map((action) => action.action)).toEqual(['identical', 'identical', 'identical']);
  });
});
