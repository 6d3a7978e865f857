import type { Account } from '../../shared/account.js';
import { toHex } from './bytes.js';
import { entryStore, type EntryStore } from './entry-store.js';
import { openExtra, openMeta, openSeed, REPLACE_ENTRY_SQL, sealEntry, type EntryRow, type SealContext } from './entry-rows.js';
import { INSERT_SLOT_SQL } from './format.js';
import { computeHeaderSum, type SlotRow } from './header.js';
import type { KdfParams } from './kdf-params.js';
import type { VaultKeys } from './keys.js';
import type { MetaCache } from './listing.js';
import { readRecord, resealRecords, writeRecord } from './record-rows.js';
import { checkedRecord, type RecordKind, type RecordStore } from './records.js';
import type { Db, VaultHeader } from './vault-file.js';
import { VaultError } from './vault-error.js';

export interface SlotInfo {
  readonly id: string;
  readonly kind: SlotRow['kind'];
  readonly kdf?: KdfParams;
  /** For a password+YubiKey slot: the key that answers it (serial null when the key hides it), when recorded. */
  readonly key?: { readonly serial: number | null; readonly slot: 1 | 2 };
}

/** The key slots, as a transaction changes them (`tx.slots`). Slots hold wrapped keys only. */
export interface SlotStore {
  list(): SlotInfo[];
  /** Removes every slot of the given kinds and adds `added`; the header sum follows. */
  replace(kinds: readonly SlotRow['kind'][], added: readonly SlotRow[]): void;
  /** Removes the slots with these ids (hex); the header sum follows. */
  remove(ids: readonly string[]): void;
}

/**
 * One write to the vault, all or nothing: what `session.transaction(tx => …)` hands its work. Its
 * methods change the file inside one immediate SQLite transaction, signed by the manifest at commit;
 * a throw anywhere rolls every change back and nothing is told. It holds operations, never keys.
 */
export interface VaultTransaction {
  readonly entries: EntryStore;
  readonly slots: SlotStore;
  readonly records: RecordStore;
  /**
   * Full rekey (rekey.ts): every entry and record re-sealed under `keys` at rev+1, and `slots` (which
   * wrap `keys.master`) in place of every slot. The session takes `keys` when the transaction commits,
   * and zeroes them if it rolls back. The last step of its transaction.
   */
  replaceKeys(keys: VaultKeys, slots: readonly SlotRow[]): void;
}

/** What one committed transaction changed: told once per transaction, after the commit (`session.onWrite`). */
export interface VaultWrite {
  /** Accounts were added, changed, reordered or removed. */
  readonly accounts: boolean;
  /** The record kinds written. */
  readonly records: readonly RecordKind[];
  /** Key slots (or the keys themselves) changed. */
  readonly slots: boolean;
}

export interface TransactionContext {
  readonly db: Db;
  readonly seal: SealContext;
  readonly header: VaultHeader;
  readonly now: () => number;
  readonly metaCache: MetaCache;
  readonly duplicateKey: (type: Account['type'], secret: Uint8Array) => string;
}

/** A transaction's state while it runs; the session applies `header` and `newKeys` only after the commit. */
export class Transaction implements VaultTransaction {
  readonly entries: EntryStore;
  readonly slots: SlotStore;
  readonly records: RecordStore;
  header: VaultHeader;
  newKeys: VaultKeys | undefined;
  private accountsChanged = false;
  private slotsChanged = false;
  private readonly recordsWritten = new Set<RecordKind>();

  constructor(private readonly ctx: TransactionContext) {
    this.header = ctx.header;
    this.entries = entryStore({ ...ctx, changed: () => (this.accountsChanged = true) });
    this.slots = {
      list: () => slotInfos(this.header.slots),
      replace: (kinds, added) => {
        this.replaceSlots(kinds, added);
      },
      remove: (ids) => {
        this.removeSlots(ids);
      },
    };
    const { db, seal } = ctx;
    this.records = {
      read: (kind) => readRecord(seal, db, kind),
      get: (kind) => {
        const read = readRecord(seal, db, kind);
        return read.state === 'ok' ? read.value : undefined;
      },
      put: (kind, value) => {
        writeRecord(seal, db, kind, checkedRecord(kind, value));
        this.recordsWritten.add(kind);
      },
      clear: (kind) => {
        writeRecord(seal, db, kind, null);
        this.recordsWritten.add(kind);
      },
    };
  }

  replaceKeys(keys: VaultKeys, slots: readonly SlotRow[]): void {
    const { db, seal } = this.ctx;
    const next: SealContext = { ...seal, rowKey: keys.rows };
    for (const row of db.prepare('SELECT * FROM entries').all() as EntryRow[]) {
      const id = toHex(row.id);
      const meta = openMeta(seal, row, id);
      const extra = openExtra(seal, row);
      const seed = openSeed(seal, row);
      if (meta === null || extra === null || seed === null) {
        if (seed !== null) seal.sodium.memzero(seed);
        throw new VaultError('VAULT_INTEGRITY', 'an account fails its integrity check; rekey stopped, nothing changed', { table: 'entries', id });
      }
      db.prepare(REPLACE_ENTRY_SQL).run(sealEntry(next, row.id, row.rev + 1, row.position, { ...meta, ...extra, secret: seed }));
      seal.sodium.memzero(seed);
    }
    resealRecords(db, seal, next);
    this.replaceSlots(
      this.header.slots.map((slot) => slot.kind),
      slots,
    );
    this.newKeys = keys;
  }

  /** What this transaction changed, or undefined when it changed nothing worth telling. */
  written(): VaultWrite | undefined {
    if (!this.accountsChanged && !this.slotsChanged && this.recordsWritten.size === 0) return undefined;
    return { accounts: this.accountsChanged, records: [...this.recordsWritten], slots: this.slotsChanged };
  }

  private removeSlots(ids: readonly string[]): void {
    const { db } = this.ctx;
    const remove = db.prepare('DELETE FROM slots WHERE slot_id = ?');
    for (const slot of this.header.slots) if (ids.includes(toHex(slot.slotId))) remove.run(slot.slotId);
    this.rewriteHeader(this.header.slots.filter((slot) => !ids.includes(toHex(slot.slotId))));
  }

  private replaceSlots(kinds: readonly SlotRow['kind'][], added: readonly SlotRow[]): void {
    const { db } = this.ctx;
    const remove = db.prepare('DELETE FROM slots WHERE kind = ?');
    for (const kind of new Set(kinds)) remove.run(kind);
    const insert = db.prepare(INSERT_SLOT_SQL);
    for (const slot of added) insert.run(slot);
    this.rewriteHeader([...this.header.slots.filter((slot) => !kinds.includes(slot.kind)), ...added]);
  }

  private rewriteHeader(slots: SlotRow[]): void {
    const { db, seal } = this.ctx;
    const headerSum = computeHeaderSum(seal.sodium, this.header.meta, slots);
    db.prepare('UPDATE meta SET header_sum = ? WHERE id = 1').run(headerSum);
    this.header = { meta: { ...this.header.meta, headerSum }, slots };
    this.slotsChanged = true;
  }
}

/** `keys`: which key answers each password+YubiKey slot, by slot id (the sealed record), when known. */
export function slotInfos(slots: readonly SlotRow[], keys: Readonly<Record<string, { readonly serial: number | null; readonly slot: 1 | 2 }>> = {}): SlotInfo[] {
  return slots.map((slot) => {
    const id = toHex(slot.slotId);
    const key = slot.kind === 'password+yubikey' ? keys[id] : undefined;
    return {
      id,
      kind: slot.kind,
      ...(slot.kdf === 'none' ? {} : { kdf: { ops: slot.ops, mem: slot.mem } }),
      ...(key === undefined ? {} : { key: { serial: key.serial, slot: key.slot } }),
    };
  });
}
