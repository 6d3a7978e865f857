import type { Account, AccountDraft } from '../../shared/account.js';
import { createCodeGenerator } from '../otp/index.js';
import { fromHex, toHex } from './bytes.js';
import { withoutSecrets, type AccountMeta } from './entry-codec.js';
import { INSERT_ENTRY_SQL, openExtra, openMeta, openSeed, REPLACE_ENTRY_SQL, sealEntry, type EntryRow, type SealContext } from './entry-rows.js';
import type { MetaCache } from './listing.js';
import { randomBytes } from './random.js';
import type { Db } from './vault-file.js';
import { VaultError } from './vault-error.js';

export type AccountPatch = Partial<Pick<Account, 'issuer' | 'label' | 'tags' | 'icon' | 'note' | 'recoveryCodes'>>;

/** An account to add: a draft with its optional fields; timestamps given (a restore) are kept, else now. */
export type NewAccount = AccountDraft & AccountPatch & { readonly createdAt?: number; readonly updatedAt?: number };

export type DamagedField = 'meta' | 'seed' | 'extra';

/** What `addNew` did with each draft: the accounts added, and the drafts (by index) skipped as duplicates. */
export interface AddNewResult {
  readonly added: readonly AccountMeta[];
  readonly skipped: readonly number[];
}

/** One row opened whole: the account when every field opens (its secret is the caller's to zero), else the fields that failed. */
export interface WholeEntry {
  readonly account: Account | undefined;
  readonly damaged: readonly DamagedField[];
  readonly position: number;
  readonly rev: number;
}

/** The accounts, as a transaction changes them (`tx.entries`). Every method runs inside the transaction. */
export interface EntryStore {
  /** Adds accounts at the end of the list, in the order given. */
  add(accounts: readonly NewAccount[]): AccountMeta[];
  /**
   * Adds the accounts not stored yet: an account with the same type and secret as one in the vault is
   * skipped unless `includeDuplicates`, and a repeat within `accounts` is always skipped.
   */
  addNew(accounts: readonly NewAccount[], options: { readonly includeDuplicates: boolean }): AddNewResult;
  update(id: string, patch: AccountPatch): AccountMeta;
  /** The HOTP code at the stored counter, with the counter advanced. */
  nextHotp(id: string): { code: string; counter: bigint };
  /** Puts the given ids first, in that order; accounts not named keep their relative order after them. */
  reorder(ids: readonly string[]): void;
  /** Opens one row whole, or says which of its fields fail; NOT_FOUND when there is no such row. */
  open(id: string): WholeEntry;
  remove(id: string): void;
  /** Empties the vault; returns how many accounts went. */
  removeAll(): number;
  /** Puts an account back with its id at `position` (later rows move down one), sealed at `rev`. */
  putBack(account: Account, position: number, rev: number): AccountMeta;
  /** The keys by which `addNew` judges duplicates, of every account that opens. */
  duplicateKeys(): Set<string>;
}

export interface EntryStoreContext {
  readonly db: Db;
  readonly seal: SealContext;
  readonly now: () => number;
  readonly metaCache: MetaCache;
  readonly duplicateKey: (type: Account['type'], secret: Uint8Array) => string;
  /** Told when a change reaches the accounts (not when one is refused or changes nothing). */
  readonly changed: () => void;
}

const ENTRY_COLUMNS = 'id, rev, position, meta_nonce, meta_ct, seed_nonce, seed_ct, extra_nonce, extra_ct';

export function entryStore(ctx: EntryStoreContext): EntryStore {
  const { db, seal } = ctx;

  const row = (id: string): EntryRow => {
    const found = /^[0-9a-f]{32}$/.test(id) ? (db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE id = ?`).get(fromHex(id)) as EntryRow | undefined) : undefined;
    if (found === undefined) throw notFound(id);
    return found;
  };

  const rewrite = (id: string, change: (account: Account) => Account): AccountMeta => {
    const current = row(id);
    const meta = openMeta(seal, current, id);
    const extra = openExtra(seal, current);
    if (meta === null) throw integrity(id, 'meta');
    if (extra === null) throw integrity(id, 'extra');
    const secret = openSeed(seal, current);
    if (secret === null) throw integrity(id, 'seed');
    try {
      const next = change({ ...meta, ...extra, secret });
      db.prepare(REPLACE_ENTRY_SQL).run(sealEntry(seal, current.id, current.rev + 1, current.position, next));
      ctx.changed();
      return withoutSecrets(next);
    } finally {
      seal.sodium.memzero(secret);
    }
  };

  const store: EntryStore = {
    add(accounts) {
      if (accounts.length === 0) return [];
      const now = ctx.now();
      const { next } = db.prepare('SELECT COALESCE(MAX(position), -1) + 1 AS next FROM entries').get() as { next: number };
      const insert = db.prepare(INSERT_ENTRY_SQL);
      const added = accounts.map((draft, offset) => {
        const idBytes = randomBytes(16);
        const account: Account = { createdAt: now, updatedAt: now, ...draft, id: toHex(idBytes), tags: draft.tags ?? [] };
        insert.run(sealEntry(seal, idBytes, 1, next + offset, account));
        return withoutSecrets(account);
      });
      ctx.changed();
      return added;
    },

    addNew(accounts, { includeDuplicates }) {
      const known = includeDuplicates ? new Set<string>() : store.duplicateKeys();
      const chosen: NewAccount[] = [];
      const skipped: number[] = [];
      accounts.forEach((account, index) => {
        const key = ctx.duplicateKey(account.type, account.secret);
        if (known.has(key)) skipped.push(index);
        else {
          known.add(key);
          chosen.push(account);
        }
      });
      return { added: store.add(chosen), skipped };
    },

    update: (id, patch) => rewrite(id, (account) => ({ ...account, ...patch, updatedAt: ctx.now() })),

    nextHotp(id) {
      let result: { code: string; counter: bigint } | undefined;
      rewrite(id, (account) => {
        if (account.type !== 'hotp') throw new VaultError('NOT_FOUND', 'that account is not a HOTP account', { id });
        result = { code: createCodeGenerator(account, account.secret).codeAt(0).code, counter: account.counter };
        return { ...account, counter: account.counter + 1n };
      });
      if (result === undefined) throw notFound(id);
      return result;
    },

    reorder(ids) {
      const current = (db.prepare('SELECT id FROM entries ORDER BY position, id').all() as { id: Uint8Array }[]).map((entry) => toHex(entry.id));
      for (const id of ids) if (!current.includes(id)) throw notFound(id);
      const order = [...new Set(ids), ...current.filter((id) => !ids.includes(id))];
      const setPosition = db.prepare('UPDATE entries SET position = ? WHERE id = ?');
      order.forEach((id, position) => setPosition.run(position, fromHex(id)));
      ctx.changed();
    },

    open(id) {
      const found = row(id);
      const meta = openMeta(seal, found, id);
      const extra = openExtra(seal, found);
      const seed = openSeed(seal, found);
      const damaged: DamagedField[] = [];
      if (meta === null) damaged.push('meta');
      if (seed === null) damaged.push('seed');
      if (extra === null) damaged.push('extra');
      if (meta === null || extra === null || seed === null) {
        if (seed !== null) seal.sodium.memzero(seed);
        return { account: undefined, damaged, position: found.position, rev: found.rev };
      }
      return { account: { ...meta, ...extra, secret: seed }, damaged, position: found.position, rev: found.rev };
    },

    remove(id) {
      const { changes } = /^[0-9a-f]{32}$/.test(id) ? db.prepare('DELETE FROM entries WHERE id = ?').run(fromHex(id)) : { changes: 0 };
      if (changes === 0) throw notFound(id);
      ctx.metaCache.delete(id);
      ctx.changed();
    },

    removeAll() {
      const { changes } = db.prepare('DELETE FROM entries').run();
      ctx.metaCache.clear();
      if (changes > 0) ctx.changed();
      return changes;
    },

    putBack(account, position, rev) {
      const idBytes = fromHex(account.id);
      if (db.prepare('SELECT 1 FROM entries WHERE id = ?').get(idBytes) !== undefined) {
        throw new VaultError('NOT_FOUND', 'that account is already back in the vault', { id: account.id });
      }
      db.prepare('UPDATE entries SET position = position + 1 WHERE position >= ?').run(position);
      db.prepare(INSERT_ENTRY_SQL).run(sealEntry(seal, idBytes, rev, position, account));
      ctx.changed();
      return withoutSecrets(account);
    },

    duplicateKeys: () => duplicateKeysOf(db, seal, ctx.duplicateKey),
  };
  return store;
}

/**
 * Keys that identify each stored account by type and secret (a keyed hash, never the secret), to
 * judge duplicates: labels differ too often between apps to be used. A row that does not open has none.
 */
export function duplicateKeysOf(db: Db, seal: SealContext, duplicateKey: (type: Account['type'], secret: Uint8Array) => string): Set<string> {
  const keys = new Set<string>();
  for (const entry of db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries`).all() as EntryRow[]) {
    const meta = openMeta(seal, entry, toHex(entry.id));
    const seed = openSeed(seal, entry);
    if (seed === null) continue;
    if (meta !== null) keys.add(duplicateKey(meta.type, seed));
    seal.sodium.memzero(seed);
  }
  return keys;
}

export function integrity(id: string, field: string): VaultError {
  return new VaultError('VAULT_INTEGRITY', `an account of the vault fails its integrity check (${field})`, { table: 'entries', id, field });
}

export function notFound(id: string): VaultError {
  return new VaultError('NOT_FOUND', 'no account with that id', { id });
}
