import type { Account, AccountMeta } from '../../shared/account.js';
import { fromHex } from './bytes.js';
import { withoutSecrets } from './entry-codec.js';
import { INSERT_ENTRY_SQL, openExtra, openMeta, openSeed, sealEntry, type EntryRow, type SealContext } from './entry-rows.js';
import type { VaultSession } from './vault-session.js';
import { VaultError } from './vault-error.js';

/**
 * An account taken out of the vault whole (secret, note, recovery codes) with where it stood, so it
 * can be put back as it was. It lives in memory only: whoever holds it zeroes `account.secret`.
 */
export interface RemovedAccount {
  readonly account: Account;
  readonly position: number;
  readonly rev: number;
}

/**
 * Deletes an account and returns it whole, for an undo. A row that no longer opens is still deleted
 * (removing a damaged account must stay possible) and gives undefined: there is nothing to put back.
 */
export function removeAccountKeeping(session: VaultSession, id: string): RemovedAccount | undefined {
  const { db, write } = session.internals();
  const ctx = sealContextOf(session);
  let removed: RemovedAccount | undefined;
  try {
    write(() => {
      const row = /^[0-9a-f]{32}$/.test(id) ? (db.prepare('SELECT * FROM entries WHERE id = ?').get(fromHex(id)) as EntryRow | undefined) : undefined;
      if (row === undefined) throw new VaultError('NOT_FOUND', 'no account with that id', { id });
      const meta = openMeta(ctx, row, id);
      const extra = openExtra(ctx, row);
      const seed = openSeed(ctx, row);
      if (meta !== null && extra !== null && seed !== null) removed = { account: { ...meta, ...extra, secret: seed }, position: row.position, rev: row.rev };
      else seed?.fill(0);
      db.prepare('DELETE FROM entries WHERE id = ?').run(row.id);
    });
  } catch (error) {
    // The delete rolled back: the copy must not outlive it.
    removed?.account.secret.fill(0);
    throw error;
  }
  return removed;
}

/**
 * Deletes a damaged account by id: one with a sealed field (label, seed, note) that no longer opens,
 * which no listing can show by name and no backup can hold. Returns the fields that failed. An account
 * that opens whole is refused (it is removed the ordinary way, with its undo); nothing is kept.
 */
export function removeDamagedAccount(session: VaultSession, id: string): ('meta' | 'seed' | 'extra')[] {
  const { db, write } = session.internals();
  const ctx = sealContextOf(session);
  const failed: ('meta' | 'seed' | 'extra')[] = [];
  write(() => {
    const row = /^[0-9a-f]{32}$/.test(id) ? (db.prepare('SELECT * FROM entries WHERE id = ?').get(fromHex(id)) as EntryRow | undefined) : undefined;
    if (row === undefined) throw new VaultError('NOT_FOUND', 'no account with that id', { id });
    if (openMeta(ctx, row, id) === null) failed.push('meta');
    const seed = openSeed(ctx, row);
    if (seed === null) failed.push('seed');
    else seed.fill(0);
    if (openExtra(ctx, row) === null) failed.push('extra');
    if (failed.length === 0) throw new VaultError('NOT_FOUND', 'no damaged account has that id (that account opens: remove it the ordinary way)', { id });
    db.prepare('DELETE FROM entries WHERE id = ?').run(row.id);
  });
  return failed;
}

/**
 * Puts a removed account back with its id, at its position (later rows move down one), sealed at
 * rev+1: an old copy of the row from before the removal can't be swapped in and pass the manifest.
 */
export function putBackAccount(session: VaultSession, removed: RemovedAccount): AccountMeta {
  const { db, write } = session.internals();
  const ctx = sealContextOf(session);
  const idBytes = fromHex(removed.account.id);
  write(() => {
    if (db.prepare('SELECT 1 FROM entries WHERE id = ?').get(idBytes) !== undefined) {
      throw new VaultError('NOT_FOUND', 'that account is already back in the vault', { id: removed.account.id });
    }
    db.prepare('UPDATE entries SET position = position + 1 WHERE position >= ?').run(removed.position);
    db.prepare(INSERT_ENTRY_SQL).run(sealEntry(ctx, idBytes, removed.rev + 1, removed.position, removed.account));
  });
  return withoutSecrets(removed.account);
}

function sealContextOf(session: VaultSession): SealContext {
  const { runtime, keys, header } = session.internals();
  return { sodium: runtime.sodium, vaultId: header.meta.vaultId, rowKey: keys.rows };
}
