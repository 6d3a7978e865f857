import type { Account, AccountMeta } from '../../shared/account.js';
import type { DamagedField } from './entry-store.js';
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
  let removed: RemovedAccount | undefined;
  try {
    session.transaction((tx) => {
      const { account, position, rev } = tx.entries.open(id);
      if (account !== undefined) removed = { account, position, rev };
      tx.entries.remove(id);
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
export function removeDamagedAccount(session: VaultSession, id: string): DamagedField[] {
  return session.transaction((tx) => {
    const { account, damaged } = tx.entries.open(id);
    if (account !== undefined) {
      account.secret.fill(0);
      throw new VaultError('NOT_FOUND', 'no damaged account has that id (that account opens: remove it the ordinary way)', { id });
    }
    tx.entries.remove(id);
    return [...damaged];
  });
}

/**
 * Puts a removed account back with its id, at its position (later rows move down one), sealed at
 * rev+1: an old copy of the row from before the removal can't be swapped in and pass the manifest.
 */
export function putBackAccount(session: VaultSession, removed: RemovedAccount): AccountMeta {
  return session.transaction((tx) => tx.entries.putBack(removed.account, removed.position, removed.rev + 1));
}
