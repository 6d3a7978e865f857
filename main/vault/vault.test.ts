import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountDraft } from '../../shared/account.js';
import { LatchkeyError } from '../../shared/errors.js';
import { createVault } from './create-vault.js';
import { rekeyVault } from './rekey.js';
import { tempVaultPath, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';
import { testInternals } from './vault-session.js';

const PASSWORD = 'correct horse battery';
const RFC_KEY = new Uint8Array(Buffer.from('3132333435363738393031323334353637383930', 'hex'));
const totp: AccountDraft = { type: 'totp', algorithm: 'SHA1', digits: 8, period: 30, issuer: 'ACME', label: 'alice', secret: RFC_KEY };
const hotp: AccountDraft = { type: 'hotp', algorithm: 'SHA1', digits: 6, counter: 0n, issuer: 'Bank', label: 'bob', secret: RFC_KEY };

function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<LatchkeyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatchkeyError);
  expect((error as LatchkeyError).code).toBe(code);
  return error as LatchkeyError;
}

describe('a vault on a real SQLite file with real libsodium', () => {
  let runtime: Awaited<ReturnType<typeof testRuntime>>;
  let path: string;
  let recoveryKey: string;

  beforeAll(async () => {
    runtime = await testRuntime();
    path = tempVaultPath();
    ({ recoveryKey } = await createVault(path, PASSWORD, runtime));
  });

  it('creates the file with mode 0600 and a 56-character grouped recovery key', () => {
    expect(readFileSync(path).subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(recoveryKey).toMatch(/^([A-Z2-7]{4}-){13}[A-Z2-7]{4}$/);
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses to create over an existing vault', async () => {
    await expectCode(createVault(path, PASSWORD, runtime), 'VAULT_EXISTS');
  });

  it('stores accounts and makes their codes (RFC 6238 at 59 s: 94287082)', async () => {
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    const added = session.add(totp);
    expect(session.code(added.id, 59_000)).toEqual({ code: '94287082', validFrom: 30, validUntil: 60 });
    expect(session.list().accounts.map((a) => a.label)).toEqual(['alice']);
    session.lock();
  });

  it('advances HOTP counters in one transaction, and peeks without advancing', async () => {
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    const { id } = session.add(hotp);
    expect(session.nextHotp(id, { peek: true })).toEqual({ code: '755224', counter: 0n });
    expect(session.nextHotp(id, { peek: false })).toEqual({ code: '755224', counter: 0n });
    expect(session.nextHotp(id, { peek: false })).toEqual({ code: '287082', counter: 1n });
    session.lock();
    const again = await unlockVault(path, { password: PASSWORD }, runtime);
    expect(again.nextHotp(id, { peek: true }).code).toBe('359152');
    again.lock();
  });

  it('updates, reorders and removes', async () => {
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    const [first, second] = session.list().accounts;
    if (first === undefined || second === undefined) throw new Error('expected two accounts');
    session.update(first.id, { label: 'alice@example.com', tags: ['work'], note: 'desk drawer' });
    expect(session.account(first.id)).toMatchObject({ label: 'alice@example.com', tags: ['work'] });
    expect(session.extra(first.id)).toEqual({ note: 'desk drawer' });
    session.reorder([second.id]);
    expect(session.list().accounts.map((a) => a.id)).toEqual([second.id, first.id]);
    const third = session.add({ ...totp, label: 'temp' });
    session.remove(third.id);
    expect(session.list().accounts).toHaveLength(2);
    expect(session.verify()).toEqual({ rows: 2, damaged: [], manifest: 'ok' });
    session.lock();
  });

  it('forgets its keys on lock: zeroed (and freed, with native libsodium), and every call then says VAULT_LOCKED', async () => {
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    const { keys } = testInternals(session);
    expect(keys.master.some((byte) => byte !== 0)).toBe(true);
    for (const key of [keys.master, keys.rows, keys.manifest]) expect(runtime.sodium.isSecure(key)).toBe(runtime.sodium.backend === 'native');
    session.lock();
    // A freed secure buffer is detached: empty, so a stale reference cannot be used as a key.
    for (const key of [keys.master, keys.rows, keys.manifest]) expect(key.byteLength === 0 || key.every((byte) => byte === 0)).toBe(true);
    expect(() => session.list()).toThrow(expect.objectContaining({ code: 'VAULT_LOCKED' }) as Error);
  });

  it('a wrong password leaves the file byte for byte unchanged, and the wait grows after three', async () => {
    const before = fileHash(path);
    for (let i = 1; i <= 3; i++) {
      const error = await expectCode(unlockVault(path, { password: 'wrong password!' }, runtime), 'VAULT_WRONG_PASSWORD');
      expect(error.details).toMatchObject({ failures: i });
    }
    expect(fileHash(path)).toBe(before);
    expect(existsSync(`${path}.attempts`)).toBe(true);
    const waiting = await expectCode(unlockVault(path, { password: PASSWORD }, runtime), 'VAULT_TOO_MANY_ATTEMPTS');
    expect(waiting.details).toMatchObject({ retryAfterMs: 1000 });
    runtime.clock.advance(1000);
    await expectCode(unlockVault(path, { password: 'wrong password!' }, runtime), 'VAULT_WRONG_PASSWORD');
    const longer = await expectCode(unlockVault(path, { password: PASSWORD }, runtime), 'VAULT_TOO_MANY_ATTEMPTS');
    expect(longer.details).toMatchObject({ retryAfterMs: 2000 });
    runtime.clock.advance(2000);
    (await unlockVault(path, { password: PASSWORD }, runtime)).lock();
    expect(JSON.parse(readFileSync(`${path}.attempts`, 'utf8'))).toEqual({});
  });

  it('opens with the recovery key, and refuses a typo before any unwrap', async () => {
    const session = await unlockVault(path, { recoveryKey: recoveryKey.toLowerCase() }, runtime);
    expect(session.unlockedBy).toBe('recovery');
    session.lock();
    const typo = `${recoveryKey.slice(0, -1)}${recoveryKey.endsWith('A') ? 'B' : 'A'}`;
    await expectCode(unlockVault(path, { recoveryKey: typo }, runtime), 'VAULT_WRONG_PASSWORD');
  });

  it('changes the password: the old one stops working, the accounts stay', async () => {
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    await expectCode(session.changePassword(' leading space'), 'PASSWORD_REJECTED');
    await expectCode(session.changePassword('short'), 'PASSWORD_REJECTED');
    await session.changePassword('a brand new passphrase');
    session.lock();
    await expectCode(unlockVault(path, { password: PASSWORD }, runtime), 'VAULT_WRONG_PASSWORD');
    const reopened = await unlockVault(path, { password: 'a brand new passphrase' }, runtime);
    expect(reopened.list().accounts).toHaveLength(2);
    reopened.lock();
  });

  it('rekeys: new master key, every row re-sealed, a new recovery key, the old one dead', async () => {
    const password = 'a brand new passphrase';
    const session = await unlockVault(path, { password }, runtime);
    const before = session.list().accounts.map((a) => a.id);
    const settings = { autoLockMinutes: 7, clipboardClearSeconds: 30, theme: 'dark' } as const;
    session.transaction((tx) => {
      tx.records.put('settings', settings);
    });
    const { recoveryKey: fresh } = await rekeyVault(session, password);
    expect(fresh).not.toBe(recoveryKey);
    expect(session.list().accounts.map((a) => a.id)).toEqual(before);
    session.lock();
    await expectCode(unlockVault(path, { recoveryKey }, runtime), 'VAULT_WRONG_PASSWORD');
    const reopened = await unlockVault(path, { recoveryKey: fresh }, runtime);
    expect(reopened.verify()).toMatchObject({ damaged: [], manifest: 'ok' });
    expect(reopened.records.get('settings')).toEqual(settings);
    reopened.lock();
  });
});
