import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attemptsPath } from './attempts.js';
import { createVault } from './create-vault.js';
import type { DeriveKey } from './kdf-worker.js';
import { attemptsSidecarOf, startKdfHeadStart } from './kdf-head-start.js';
import { argon2idNative, createVaultKdf } from './kdf.js';
import { tempVaultPath, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';

const PASSWORD = 'correct horse battery staple 7';

/** A real KDF that counts its calls and keeps every key it handed out (to see them zeroed). */
function counted(inner: DeriveKey): DeriveKey & { calls: () => number; keys: Uint8Array[] } {
  let calls = 0;
  const keys: Uint8Array[] = [];
  const derive: DeriveKey = async (password, salt, params) => {
    calls++;
    const derived = await inner(password, salt, params);
    keys.push(derived.key);
    return derived;
  };
  return Object.assign(derive, { calls: () => calls, keys });
}

async function newVault(): Promise<string> {
  const path = tempVaultPath();
  await createVault(path, PASSWORD, await testRuntime({ deriveKey: createVaultKdf() }));
  return path;
}

describe('the KDF head start', () => {
  it('derives the password slot key before the unlock asks, and the unlock takes it: one Argon2id in all', async () => {
    const path = await newVault();
    const derive = counted(argon2idNative);
    const usual = counted(createVaultKdf());
    const headStart = startKdfHeadStart(path, PASSWORD, { derive, usual, env: {} });
    expect(headStart).toBeDefined();
    expect(derive.calls()).toBe(1);

    const session = await unlockVault(path, { password: PASSWORD }, await testRuntime({ deriveKey: headStart?.deriveKey }));
    expect(session.list().accounts).toEqual([]);
    session.lock();
    await headStart?.settle();
    expect([derive.calls(), usual.calls()]).toEqual([1, 0]);
    // The unlock zeroes the key it took, as it does any derived key.
    expect(derive.keys[0]?.every((byte) => byte === 0)).toBe(true);
  });

  it('another password gets a derivation of its own (and fails as wrong); the unused key is zeroed', async () => {
    const path = await newVault();
    const derive = counted(argon2idNative);
    const usual = counted(createVaultKdf());
    const headStart = startKdfHeadStart(path, PASSWORD, { derive, usual, env: {} });
    await expect(unlockVault(path, { password: 'not the password at all' }, await testRuntime({ deriveKey: headStart?.deriveKey }))).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await headStart?.settle();
    expect([derive.calls(), usual.calls()]).toEqual([1, 1]);
    expect(derive.keys[0]?.length).toBe(32);
    expect(derive.keys[0]?.every((byte) => byte === 0)).toBe(true);
  });

  it('a head start nobody asks for is zeroed by settle', async () => {
    const path = await newVault();
    const derive = counted(argon2idNative);
    const headStart = startKdfHeadStart(path, PASSWORD, { derive, env: {} });
    await headStart?.settle();
    expect(derive.keys[0]?.every((byte) => byte === 0)).toBe(true);
  });

  it('does not start with failed attempts on record, without a vault, or when the wasm backend is asked for', async () => {
    const path = await newVault();
    const derive = counted(argon2idNative);
    await expect(unlockVault(path, { password: 'not the password at all' }, await testRuntime())).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    expect(startKdfHeadStart(path, PASSWORD, { derive, env: {} })).toBeUndefined();

    expect(startKdfHeadStart(tempVaultPath(), PASSWORD, { derive, env: {} })).toBeUndefined();
    const other = await newVault();
    writeFileSync(`${other}.bak`, 'not a vault');
    expect(startKdfHeadStart(`${other}.bak`, PASSWORD, { derive, env: {} })).toBeUndefined();
    expect(startKdfHeadStart(other, PASSWORD, { derive, env: { LATCHKEY_SODIUM: 'wasm' } })).toBeUndefined();
    expect(derive.calls()).toBe(0);
  });

  it('starts nothing on a vault the unlock refuses before any KDF: a damaged header, a foreign trigger', async () => {
    // The unlock says VAULT_CORRUPT before it derives a key; a head start would have run Argon2id at
    // the damaged slot's cost (up to the box's 1 GiB) and the CLI would have waited for it to exit.
    const damaged = await newVault();
    const db = new Database(damaged);
    db.prepare("UPDATE slots SET ops = ops + 1 WHERE kind = 'password'").run();
    db.close();
    const injected = await newVault();
    const other = new Database(injected);
    other.exec('CREATE TRIGGER spy AFTER UPDATE ON meta BEGIN SELECT 1; END');
    other.close();
    const derive = counted(argon2idNative);
    for (const path of [damaged, injected]) {
      expect(startKdfHeadStart(path, PASSWORD, { derive, env: {} })).toBeUndefined();
      await expect(unlockVault(path, { password: PASSWORD }, await testRuntime())).rejects.toMatchObject({ code: 'VAULT_CORRUPT' });
    }
    expect(derive.calls()).toBe(0);
  });

  it('names the attempts sidecar as the attempts counter does', () => {
    expect(attemptsSidecarOf('/some/vault.sqlite')).toBe(attemptsPath('/some/vault.sqlite'));
  });
});
