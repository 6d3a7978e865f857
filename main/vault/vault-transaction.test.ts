import { describe, expect, it } from 'vitest';
import type { AccountDraft } from '../../shared/account.js';
import { createVault } from './create-vault.js';
import { randomBytes } from './random.js';
import { rekeyVault } from './rekey.js';
import { memoisedKdf, tempVaultPath, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';
import { testInternals } from './vault-session.js';
import type { VaultWrite } from './vault-transaction.js';

const PASSWORD = 'transaction test password';
const kdf = memoisedKdf();

const draft = (label: string, secret = randomBytes(20)): AccountDraft => ({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: 'Tx', label, secret });

async function unlocked() {
  const runtime = await testRuntime({ deriveKey: kdf });
  const path = tempVaultPath();
  await createVault(path, PASSWORD, runtime);
  const session = await unlockVault(path, { password: PASSWORD }, runtime);
  const told: VaultWrite[] = [];
  session.onWrite((written) => told.push(written));
  return { path, runtime, session, told };
}

const labels = (session: Awaited<ReturnType<typeof unlocked>>['session']) => session.list().accounts.map((account) => account.label);

describe('session.transaction', () => {
  it('a throw inside leaves nothing written and tells nothing', async () => {
    const { path, runtime, session, told } = await unlocked();
    session.add(draft('kept'));
    told.length = 0;
    const [kept] = session.list().accounts;
    expect(() =>
      session.transaction((tx) => {
        tx.entries.add([draft('never')]);
        tx.entries.update(kept?.id ?? '', { label: 'renamed' });
        tx.records.put('auto-backup-last', { at: 1, file: 'x.lkbak', verified: true });
        throw new Error('the user cancelled');
      }),
    ).toThrow('the user cancelled');
    expect(labels(session)).toEqual(['kept']);
    expect(session.records.read('auto-backup-last')).toEqual({ state: 'absent' });
    expect(told).toEqual([]);
    expect(session.manifestTrusted).toBe(true);
    // And from another connection: the file holds no trace of it.
    session.lock();
    const again = await unlockVault(path, { password: PASSWORD }, runtime);
    expect(labels(again)).toEqual(['kept']);
    expect(again.verify()).toMatchObject({ damaged: [], manifest: 'ok' });
    again.lock();
  });

  it('tells one write per transaction, with what it changed; a transaction begun inside joins it', async () => {
    const { session, told } = await unlocked();
    session.transaction((tx) => {
      const [first] = tx.entries.add([draft('one'), draft('two')]);
      session.add(draft('three')); // a shorthand, inside: the same transaction
      tx.entries.reorder([first?.id ?? '']);
      tx.records.put('settings', { autoLockMinutes: 9, clipboardClearSeconds: 30, theme: 'light' });
      expect(told).toEqual([]); // not before the commit
    });
    expect(told).toEqual([{ accounts: true, records: ['settings'], slots: false }]);
    expect(labels(session)).toEqual(['one', 'two', 'three']);

    told.length = 0;
    session.transaction(() => undefined);
    session.addNew([], { includeDuplicates: false });
    expect(told).toEqual([]); // nothing changed, nothing told

    session.transaction((tx) => {
      tx.records.clear('auto-backup-settings');
    });
    expect(told).toEqual([{ accounts: false, records: ['auto-backup-settings'], slots: false }]);
    session.issueRecoveryKey();
    expect(told.at(-1)).toEqual({ accounts: false, records: [], slots: true });
    session.lock();
  });

  it('a failed rekey rolls back whole: the session keeps its keys, the file its rows, nothing is told', async () => {
    const { path, runtime, session, told } = await unlocked();
    const account = session.add(draft('a'));
    const code = session.code(account.id, 0).code;
    // A record that no longer opens stops the rekey after the rows were re-sealed.
    const { db } = testInternals(session);
    session.transaction((tx) => {
      tx.records.put('auto-backup-last', { at: 1, file: 'x.lkbak', verified: true });
    });
    told.length = 0;
    db.prepare('UPDATE records SET ct = zeroblob(length(ct))').run();
    await expect(rekeyVault(session, PASSWORD)).rejects.toMatchObject({ code: 'VAULT_INTEGRITY' });
    expect(session.isLocked).toBe(false);
    expect(session.code(account.id, 0).code).toBe(code);
    expect(told).toEqual([]);
    session.lock();
    const again = await unlockVault(path, { password: PASSWORD }, runtime);
    expect(again.code(account.id, 0).code).toBe(code);
    again.lock();
  });
});

describe('typed records', () => {
  it('give back what was put, typed by their kind; cleared is absent', async () => {
    const { session } = await unlocked();
    const writes = { '12345678': { '1': { accountId: 'ab'.repeat(16), kind: 'hotp' as const, writtenAt: 1_700_000_000, touch: false } } };
    session.transaction((tx) => {
      tx.records.put('key-writes', writes);
      expect(tx.records.get('key-writes')).toEqual(writes); // read inside, before the commit
    });
    expect(session.records.get('key-writes')).toEqual(writes);
    session.transaction((tx) => {
      tx.records.clear('key-writes');
    });
    expect(session.records.read('key-writes')).toEqual({ state: 'absent' });
    expect(session.records.get('key-writes')).toBeUndefined();
    session.lock();
  });

  it('a stored value of the wrong shape reads as misshapen (get: undefined), never a throw', async () => {
    const { session } = await unlocked();
    testInternals(session).putRecordJson('auto-backup-last', { at: 'yesterday', file: 3 });
    const read = session.records.read('auto-backup-last');
    expect(read.state).toBe('misshapen');
    expect(read.state === 'misshapen' ? read.problem : '').toMatch(/auto-backup-last/);
    expect(session.records.get('auto-backup-last')).toBeUndefined();
    // Settings fall back field by field instead: they always read.
    testInternals(session).putRecordJson('settings', { autoLockMinutes: 600, theme: 'dark' });
    expect(session.records.get('settings')).toEqual({ autoLockMinutes: 5, clipboardClearSeconds: 30, theme: 'dark' });
    session.lock();
  });

  it('a record that fails its seal reads as damaged', async () => {
    const { session } = await unlocked();
    session.transaction((tx) => {
      tx.records.put('backup-verification', { verifiedAt: 1, file: 'f', sha256: 'x', backupAccounts: 0, vaultAccounts: 0, matching: 0, onlyInBackup: [], onlyInVault: [], differing: [] });
    });
    testInternals(session).db.prepare('UPDATE records SET ct = zeroblob(length(ct))').run();
    expect(session.records.read('backup-verification')).toEqual({ state: 'damaged' });
    expect(session.records.get('backup-verification')).toBeUndefined();
    session.lock();
  });

  it('put refuses a value of the wrong shape before anything is written', async () => {
    const { session, told } = await unlocked();
    const wrong = { at: 1, file: 'x' } as unknown as { at: number; file: string; verified: boolean };
    expect(() => {
      session.transaction((tx) => {
        tx.records.put('auto-backup-last', wrong);
      });
    }).toThrow();
    expect(session.records.read('auto-backup-last')).toEqual({ state: 'absent' });
    expect(told).toEqual([]);
    session.lock();
  });
});

describe('addNew', () => {
  it('skips accounts already in the vault and repeats within the batch, in one transaction', async () => {
    const { session, told } = await unlocked();
    const stored = randomBytes(20);
    session.add(draft('stored', stored));
    told.length = 0;
    const fresh = randomBytes(20);
    const result = session.addNew([draft('same secret', stored), draft('new', fresh), draft('new again', fresh), { type: 'steam', algorithm: 'SHA1', digits: 5, period: 30, issuer: 'Tx', label: 'other type', secret: stored }], {
      includeDuplicates: false,
    });
    expect(result.added.map((account) => account.label)).toEqual(['new', 'other type']);
    expect(result.skipped).toEqual([0, 2]);
    expect(labels(session)).toEqual(['stored', 'new', 'other type']);
    expect(told).toEqual([{ accounts: true, records: [], slots: false }]);
    session.lock();
  });

  it('with includeDuplicates adds duplicates of the vault, still once per batch', async () => {
    const { session } = await unlocked();
    const stored = randomBytes(20);
    session.add(draft('stored', stored));
    const result = session.addNew([draft('again', stored), draft('and again', stored)], { includeDuplicates: true });
    expect(result.added.map((account) => account.label)).toEqual(['again']);
    expect(result.skipped).toEqual([1]);
    expect(labels(session)).toEqual(['stored', 'again']);
    session.lock();
  });

  it('keeps the timestamps an account comes with (a restore), else stamps now', async () => {
    const { session, runtime } = await unlocked();
    const [restored, added] = session.addNew([{ ...draft('restored'), createdAt: 1000, updatedAt: 2000 }, draft('added')], { includeDuplicates: false }).added;
    expect(restored).toMatchObject({ createdAt: 1000, updatedAt: 2000 });
    expect(added).toMatchObject({ createdAt: runtime.clock.now(), updatedAt: runtime.clock.now() });
    session.lock();
  });
});
