import Database from 'better-sqlite3';
import { chmodSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountDraft } from '../../shared/account.js';
import { LatchkeyError } from '../../shared/errors.js';
import { createVault } from './create-vault.js';
import { tempVaultPath, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';
import { testInternals } from './vault-session.js';
import { mapSqliteError } from './vault-file.js';

/**
 * A full disk, a failing drive and a read-only folder are problems of the place the vault lives,
 * not of the vault: IO_ERROR with the reason in words, never INTERNAL or VAULT_CORRUPT.
 */
const PASSWORD = 'correct horse battery';
const account = (n: number): AccountDraft => ({
  type: 'totp',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  issuer: `Issuer ${String(n)}`,
  label: 'x'.repeat(200),
  secret: new Uint8Array(64).fill(n),
});

function caught(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('SQLite errors of the disk', () => {
  let runtime: Awaited<ReturnType<typeof testRuntime>>;
  beforeAll(async () => {
    runtime = await testRuntime();
  });

  it('SQLITE_FULL (the file may not grow) is IO_ERROR "the disk is full", and the vault stays as it was', async () => {
    const path = tempVaultPath();
    await createVault(path, PASSWORD, runtime);
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    session.add(account(1));
    // A page limit on this connection is what a full disk looks like to SQLite: SQLITE_FULL on the next growth.
    const { db } = testInternals(session);
    db.pragma(`max_page_count = ${String(db.pragma('page_count', { simple: true }))}`);
    let error: unknown;
    for (let n = 2; n < 200 && error === undefined; n++) {
      try {
        session.addMany([account(n), account(n + 1000)]);
      } catch (thrown) {
        error = thrown;
      }
    }
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ code: 'IO_ERROR', details: { reason: 'disk-full', sqlite: 'SQLITE_FULL' } });
    expect((error as Error).message).toMatch(/the disk is full/);
    const before = session.list().accounts.length;
    session.lock();
    const again = await unlockVault(path, { password: PASSWORD }, runtime);
    expect(again.list().accounts).toHaveLength(before);
    expect(again.verify()).toMatchObject({ damaged: [], manifest: 'ok' });
    again.lock();
  });

  it('an I/O error is IO_ERROR with its SQLite code, not VAULT_CORRUPT; damage stays VAULT_CORRUPT', () => {
    const path = tempVaultPath();
    const io = mapSqliteError(path, new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_SHMSIZE'));
    expect(io).toMatchObject({ code: 'IO_ERROR', details: { reason: 'io-failure', sqlite: 'SQLITE_IOERR_SHMSIZE' } });
    expect(mapSqliteError(path, new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE'))).toMatchObject({ code: 'IO_ERROR' });
    expect(mapSqliteError(path, new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT'))).toMatchObject({ code: 'VAULT_CORRUPT' });
    const readOnly = mapSqliteError(path, new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY'));
    expect(readOnly).toMatchObject({ code: 'IO_ERROR' });
    expect((readOnly as Error).message).toMatch(/read-only/);
  });

  // chmod does not stop root; the CLI test (disk-cli.test.ts) covers root with a read-only mount.
  it.skipIf(process.getuid?.() === 0)('a vault in a folder without write permission opens read-only: it lists and verifies, and refuses writes in words', async () => {
    const path = tempVaultPath();
    await createVault(path, PASSWORD, runtime);
    const writer = await unlockVault(path, { password: PASSWORD }, runtime);
    writer.add(account(1));
    writer.lock();
    const before = readFileSync(path);
    chmodSync(dirname(path), 0o555);
    try {
      const session = await unlockVault(path, { password: PASSWORD }, runtime);
      expect(session.list().accounts.map((a) => a.issuer)).toEqual(['Issuer 1']);
      expect(session.verify()).toMatchObject({ rows: 1, manifest: 'ok' });
      expect(caught(() => session.add(account(2)))).toMatchObject({ code: 'IO_ERROR', details: { reason: 'read-only-folder' } });
      session.lock();
      expect(readFileSync(path).equals(before)).toBe(true);
    } finally {
      chmodSync(dirname(path), 0o700);
    }
  });
});
