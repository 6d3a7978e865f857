import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../shared/errors.js';
import { createVault } from './create-vault.js';
import { KEYRING_PASSWORD_EVERY_MS, newDeviceKey } from './keyring-slots.js';
import { readSlotRows } from './test-support/slot-rows.js';
import { tempVaultPath, testClock, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';

const PASSWORD = 'correct horse battery';

async function failure(promise: Promise<unknown>): Promise<LatchkeyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatchkeyError);
  return error as LatchkeyError;
}

function slotKinds(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return readSlotRows(db)
      .map((row) => row.kind)
      .sort();
  } finally {
    db.close();
  }
}

describe('the keyring slot on a real vault file (SECURITY-NOTES §1)', () => {
  let runtime: Awaited<ReturnType<typeof testRuntime>>;
  let path: string;

  beforeEach(async () => {
    runtime = await testRuntime({ clock: testClock() });
    path = tempVaultPath();
    await createVault(path, PASSWORD, runtime);
  });

  async function withKeyringSlot(): Promise<Uint8Array> {
    const deviceKey = newDeviceKey();
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    session.add({ type: 'totp', issuer: 'Example', label: 'me', secret: new Uint8Array(20).fill(7), algorithm: 'SHA1', digits: 6, period: 30, tags: [] });
    await session.addKeyringSlot({ password: PASSWORD, deviceKey: deviceKey.slice() });
    session.lock();
    return deviceKey;
  }

  it('opens the vault with the device key alone, and the accounts are there', async () => {
    const deviceKey = await withKeyringSlot();
    expect(slotKinds(path)).toEqual(['keyring', 'password', 'recovery']);
    const session = await unlockVault(path, { keyring: deviceKey }, runtime);
    expect(session.list().accounts.map((account) => account.issuer)).toEqual(['Example']);
    expect(session.keyringSlot()?.passwordTypedAt).toBe(Math.floor(runtime.clock.now() / 1000));
    session.lock();
  });

  it('refuses another device key and leaves the file byte for byte as it was', async () => {
    await withKeyringSlot();
    const before = readFileSync(path);
    const error = await failure(unlockVault(path, { keyring: newDeviceKey() }, runtime));
    expect(error.code).toBe('VAULT_WRONG_PASSWORD');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('asks for the password again 7 days after it was last typed, and a password unlock starts the 7 days over', async () => {
    const deviceKey = await withKeyringSlot();
    runtime.clock.advance(KEYRING_PASSWORD_EVERY_MS - 1000);
    (await unlockVault(path, { keyring: deviceKey }, runtime)).lock();
    runtime.clock.advance(1000);
    const due = await failure(unlockVault(path, { keyring: deviceKey }, runtime));
    expect(due.code).toBe('VAULT_LOCKED');
    expect(due.details).toMatchObject({ reason: 'password-due' });
    const typed = await unlockVault(path, { password: PASSWORD }, runtime);
    typed.notePasswordTyped();
    typed.lock();
    (await unlockVault(path, { keyring: deviceKey }, runtime)).lock();
  });

  it('is removed by a password change (its record too), so the old device key opens nothing', async () => {
    const deviceKey = await withKeyringSlot();
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    await session.changePassword('a brand new password here');
    expect(session.keyringSlot()).toBeUndefined();
    expect(session.records.get('keyring-slot')).toBeUndefined();
    session.lock();
    expect(slotKinds(path)).toEqual(['password', 'recovery']);
    expect((await failure(unlockVault(path, { keyring: deviceKey }, runtime))).code).toBe('VAULT_NO_MATCHING_SLOT');
  });

  it('needs the password to be added, and a second one replaces the first', async () => {
    const first = await withKeyringSlot();
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    expect((await failure(session.addKeyringSlot({ password: 'not the password', deviceKey: newDeviceKey() }))).code).toBe('VAULT_WRONG_PASSWORD');
    const second = newDeviceKey();
    await session.addKeyringSlot({ password: PASSWORD, deviceKey: second.slice() });
    session.lock();
    expect(slotKinds(path)).toEqual(['keyring', 'password', 'recovery']);
    expect((await failure(unlockVault(path, { keyring: first }, runtime))).code).toBe('VAULT_WRONG_PASSWORD');
    (await unlockVault(path, { keyring: second }, runtime)).lock();
  });

  it('can be removed on its own, and then opens nothing', async () => {
    const deviceKey = await withKeyringSlot();
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    const slotId = session.keyringSlot()?.slotId ?? '';
    expect(session.removeSlot(slotId).kind).toBe('keyring');
    expect(session.records.get('keyring-slot')).toBeUndefined();
    session.lock();
    expect((await failure(unlockVault(path, { keyring: deviceKey }, runtime))).code).toBe('VAULT_NO_MATCHING_SLOT');
  });
});
