import { randomBytes } from './random.js';
import type { Account } from '../../shared/account.js';
import { performance } from 'node:perf_hooks';
import type { Statement } from 'better-sqlite3';
import { createCodeGenerator, type OtpCode } from '../otp/index.js';
import { bytesEqual, concatBytes, fromHex, toHex, utf8 } from './bytes.js';
import { assertMayAttempt, clearFailures, recordFailure, retryAfterMs } from './attempts.js';
import { deriveNewPasswordKey } from './derive-password-key.js';
import { openPasswordSlots, wrongPasswordWords, type PasswordOpening } from './password-slots.js';
import type { YubiKeyAnswerer, YubiKeyResponder } from './password-yubikey.js';
import { makeKeyringSlot } from './keyring-slots.js';
import { assertNotEnrolled, assertWayIn, keySlotsPresent, makeYubiKeySlot, rechallengeKeySlots, type YubiKeyUnlockSlots } from './yubikey-slots.js';
import { readOnlyFolderProblem } from './disk-problem.js';
import type { AccountMeta, EntryExtra } from './entry-codec.js';
import { openExtra, openMeta, openSeed, type EntryRow, type SealContext } from './entry-rows.js';
import { duplicateKeysOf, integrity, notFound, type AccountPatch, type AddNewResult, type NewAccount } from './entry-store.js';
import { FORMAT_VERSION } from './format.js';
import type { SlotRow } from './header.js';
import type { KdfParams } from './kdf-params.js';
import { deriveVaultKeys, zeroKeys, type VaultKeys } from './keys.js';
import { listingPass, listingSql, type ListingPass, type ListingRow, type ListingSplit, type MetaCache } from './listing.js';
import { manifestMatches, resignManifest } from './manifest.js';
import { migrateVault } from './migrate.js';
import { openRecordJson, readRecord, writeRecord } from './record-rows.js';
import type { RecordReader } from './records.js';
import { assertAcceptablePassword } from './password.js';
import { formatRecoveryKey, recoveryKek } from './recovery-key.js';
import type { VaultRuntime } from './runtime.js';
import { wrapMasterKey } from './slots.js';
import { readCheckedHeader, withSqliteErrors, type Db, type VaultHeader } from './vault-file.js';
import { VaultError } from './vault-error.js';
import { slotInfos, Transaction, type SlotInfo, type VaultTransaction, type VaultWrite } from './vault-transaction.js';

export type { AccountPatch, AddNewResult, NewAccount } from './entry-store.js';
export type { SlotInfo, VaultTransaction, VaultWrite } from './vault-transaction.js';

export interface DamagedRow {
  readonly table: 'entries';
  readonly id: string;
  readonly field: 'meta' | 'seed' | 'extra';
}

export interface Listing {
  readonly accounts: readonly AccountMeta[];
  readonly damaged: readonly DamagedRow[];
}

/** The codes of one moment, by account id, and the rows whose seed would not open. */
export interface CodeSheet {
  readonly codes: ReadonlyMap<string, OtpCode>;
  readonly damaged: readonly DamagedRow[];
}

/** Every account of a listing, the codes of its time-based ones at one moment, and the rows that would not open. */
export interface AccountListing {
  readonly accounts: readonly AccountMeta[];
  readonly codes: ReadonlyMap<string, OtpCode>;
  readonly damaged: readonly DamagedRow[];
}

export interface VerifyReport {
  readonly rows: number;
  readonly damaged: readonly DamagedRow[];
  readonly manifest: 'ok' | 'mismatch';
}

/** What a password change did: the new KDF parameters, and what became of the password+YubiKey slots. */
export interface PasswordChange {
  readonly kdf: KdfParams;
  /** Key slots re-made under a fresh challenge (a touch each). */
  readonly rechallenged: number;
  /** Ids of the key slots removed because their key was not plugged in (only when asked for). */
  readonly droppedKeySlots: readonly string[];
}

interface OpenArgs {
  readonly db: Db;
  readonly path: string;
  readonly runtime: VaultRuntime;
  readonly master: Uint8Array;
  readonly expectedHeaderSum: Uint8Array;
  readonly unlockedBy: 'password' | 'recovery';
}

const ENTRY_COLUMNS = 'id, rev, position, meta_nonce, meta_ct, seed_nonce, seed_ct, extra_nonce, extra_ct';

/**
 * An unlocked vault: the master key and subkeys live here, and nowhere else, until lock(). Reads are
 * methods; every write is a `transaction(tx => …)` (vault-transaction.ts), whose `tx` offers
 * operations on entries, slots and typed records, never the keys. Each committed one is told once
 * to `onWrite` listeners.
 */
export class VaultSession {
  readonly path: string;
  /** How it was opened; a recovery session that has set a new password counts as a password one from then on. */
  private opened: 'password' | 'recovery';
  private readonly db: Db;
  /** libsodium, the KDF and the clock the session works with (no key: those stay private). */
  readonly runtime: VaultRuntime;
  private header: VaultHeader;
  private keys: VaultKeys | undefined;
  private manifestOk: boolean;
  /** The data_version at which manifestOk was last computed: another connection's commit changes it. */
  private manifestCheckedAt: number;
  private readonly metaCache: MetaCache = new Map();
  private readonly statements = new Map<string, Statement>();
  /** The transaction running now: a transaction begun inside it joins it (one commit, one write told). */
  private active: Transaction | undefined;
  private readonly writeListeners = new Set<(written: VaultWrite) => void>();
  /** Reads sealed records by kind, typed by their schemas (records.ts); writes go through a transaction. */
  readonly records: RecordReader = {
    read: (kind) => this.read(() => readRecord(this.sealContext(), this.db, kind)),
    get: (kind) => {
      const read = this.records.read(kind);
      return read.state === 'ok' ? read.value : undefined;
    },
  };

  private constructor(args: OpenArgs, header: VaultHeader, keys: VaultKeys) {
    this.db = args.db;
    this.path = args.path;
    this.runtime = args.runtime;
    this.opened = args.unlockedBy;
    this.header = header;
    this.keys = keys;
    // Checked before anything relies on it (manifestTrusted, every write, verify), and by the first
    // listing from the very rows it reads: the open does not scan the entries a second time.
    this.manifestOk = false;
    this.manifestCheckedAt = NOT_CHECKED;
    TEST_INTERNALS.set(this, () => ({
      db: this.db,
      keys: this.unlockedKeys(),
      recordJson: (name) => this.read(() => openRecordJson(this.sealContext(), this.db, name)),
      putRecordJson: (name, value) => {
        this.transaction(() => {
          writeRecord(this.sealContext(), this.db, name, value);
        });
      },
    }));
  }

  static open(args: OpenArgs): VaultSession {
    const { db, path, runtime } = args;
    withSqliteErrors(path, () => {
      // A read-only copy (the vault's folder may not be written) is never written: no journal to set.
      if (!db.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.pragma('secure_delete = ON');
      }
      db.pragma('foreign_keys = ON');
      db.pragma('trusted_schema = OFF');
    });
    const header = withSqliteErrors(path, () => readCheckedHeader(runtime.sodium, db, path));
    if (!bytesEqual(header.meta.headerSum, args.expectedHeaderSum)) {
      throw new VaultError('VAULT_IN_USE', `the vault changed while it was being unlocked; try again: ${path}`, { path });
    }
    const keys = deriveVaultKeys(runtime.sodium, args.master);
    let current = header;
    if (header.meta.formatVersion < FORMAT_VERSION) {
      // An older format is brought up to date now that the key is known (SECURITY-NOTES §8).
      try {
        if (db.readonly) throw readOnlyVault(path, 'it was made by an older Latchkey and must be upgraded once');
        current = migrateVault(runtime.sodium, db, path, keys.manifest).header;
      } catch (error) {
        zeroKeys(runtime.sodium, keys);
        throw error;
      }
    }
    return new VaultSession(args, current, keys);
  }

  get isLocked(): boolean {
    return this.keys === undefined;
  }

  /**
   * False when rows or key slots were deleted, injected, altered or rolled back since the last write
   * we signed (the manifest covers both since format 2).
   */
  get manifestTrusted(): boolean {
    if (this.keys !== undefined) this.read(() => { this.recheckManifest(); });
    return this.manifestOk;
  }

  /**
   * Computes the manifest again when another process (the CLI, a sync tool, an attacker) has
   * committed since the last check: an accepted mismatch clears, and a change made behind this
   * session's back is neither missed nor silently re-signed by its next write.
   */
  private recheckManifest(): void {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version === this.manifestCheckedAt) return;
    this.manifestOk = manifestMatches(this.runtime.sodium, this.unlockedKeys().manifest, this.db);
    this.manifestCheckedAt = version;
  }

  get vaultIdHex(): string {
    return toHex(this.header.meta.vaultId);
  }

  /** Forgets the keys (zeroed) and closes the file. Idempotent. */
  lock(): void {
    if (this.keys === undefined) return;
    zeroKeys(this.runtime.sodium, this.keys);
    this.keys = undefined;
    this.metaCache.clear();
    this.statements.clear();
    this.writeListeners.clear();
    this.db.close();
  }

  slots(): SlotInfo[] {
    return slotInfos(this.header.slots, this.keySlotsRecord());
  }

  /** Which key answers each password+YubiKey slot (a sealed record); empty when none was recorded or it fails to open. */
  private keySlotsRecord(): YubiKeyUnlockSlots {
    return this.records.get('yubikey-unlock-slots') ?? {};
  }

  /**
   * Runs `work` as ONE write: an immediate SQLite transaction, re-signed by the manifest at its
   * commit. A throw anywhere rolls all of it back, and nothing is told. After the commit, each
   * `onWrite` listener is told once what changed. A transaction begun inside `work` (a shorthand such
   * as `add`) joins this one. `work` must not be async: SQLite's transaction ends when it returns.
   */
  transaction<T>(work: (tx: VaultTransaction) => T): T {
    if (this.active !== undefined) return work(this.active);
    const tx = new Transaction({
      db: this.db,
      seal: this.sealContext(),
      header: this.header,
      now: () => this.runtime.clock.now(),
      metaCache: this.metaCache,
      duplicateKey: (type, secret) => this.duplicateKey(type, secret),
    });
    let result: T | undefined;
    this.active = tx;
    try {
      // Signed with the keys the vault will have after the commit: a rekey's new ones.
      this.write(() => (result = work(tx)), { signWith: () => tx.newKeys?.manifest });
    } catch (error) {
      if (tx.newKeys !== undefined) zeroKeys(this.runtime.sodium, tx.newKeys);
      throw error;
    } finally {
      this.active = undefined;
    }
    this.header = tx.header;
    if (tx.newKeys !== undefined) {
      zeroKeys(this.runtime.sodium, this.unlockedKeys());
      this.keys = tx.newKeys;
      this.metaCache.clear();
    }
    const written = tx.written();
    // With secure_delete on, the checkpoint overwrites an old wrapped key instead of leaving it in a free page.
    if (written?.slots === true) this.read(() => this.db.pragma('wal_checkpoint(TRUNCATE)'));
    if (written !== undefined) for (const listener of [...this.writeListeners]) listener(written);
    return result as T;
  }

  /**
   * Told once after each committed transaction that changed something (never for a rollback, nor
   * for another process's commits: those only show in `dataVersion`). Returns the way to stop.
   * A listener must not throw: the write it hears of has happened.
   */
  onWrite(listener: (written: VaultWrite) => void): () => void {
    this.writeListeners.add(listener);
    return () => {
      this.writeListeners.delete(listener);
    };
  }

  list(): Listing {
    const pass = this.listingPass(undefined);
    return { accounts: pass.accounts, damaged: pass.damaged.map(({ id, field }) => ({ table: 'entries', id, field })) };
  }

  /**
   * Every account in list order with the code of each time-based one at `nowMs`, in ONE read of the
   * listing columns and one pass: metas come from the session's cache when their rev is unchanged,
   * each seed is open only for its one HMAC and zeroed. `split`, when given, is filled with where the
   * time went (the benchmark's figures).
   */
  listWithCodes(nowMs: number, split?: ListingSplit): AccountListing {
    const pass = this.listingPass(nowMs, split);
    return { accounts: pass.accounts, codes: pass.codes, damaged: pass.damaged.map(({ id, field }) => ({ table: 'entries', id, field })) };
  }

  /**
   * Codes of every time-based account at one moment, in one pass over the rows: each seed is open
   * only for its one HMAC. HOTP accounts get no code (theirs are given only on request), but their
   * seeds are opened too, so that every seed that fails its check is named in `damaged`.
   */
  codesAt(nowMs: number): CodeSheet {
    const { codes, damaged } = this.listWithCodes(nowMs);
    return { codes, damaged: damaged.filter((row) => row.field === 'seed') };
  }

  account(id: string): AccountMeta {
    const row = this.row(id);
    const meta = openMeta(this.sealContext(), row, id);
    if (meta === null) throw integrity(id, 'meta');
    return meta;
  }

  /** The code of a time-based account now; the seed is open only for this one HMAC. */
  code(id: string, nowMs: number): OtpCode {
    const row = this.row(id);
    const meta = openMeta(this.sealContext(), row, id);
    if (meta === null) throw integrity(id, 'meta');
    return this.withSeed(row, (seed) => createCodeGenerator(meta, seed).codeAt(nowMs));
  }

  /**
   * The listing's rows, read in one read transaction with the data_version they belong to: when the
   * manifest was not yet checked at that version, it is checked from these same rows (their id, rev
   * and position) instead of a second scan of the table.
   */
  private listingPass(nowMs: number | undefined, split?: ListingSplit): ListingPass {
    const ctx = this.sealContext();
    const manifestKey = this.unlockedKeys().manifest;
    let started = split === undefined ? 0 : performance.now();
    const rows = this.read(() =>
      this.db.transaction(() => {
        const cached = this.metaCache.size > 0;
        const read = this.statement(listingSql({ metas: !cached, seeds: nowMs !== undefined }), true).all() as ListingRow[];
        // With metas cached, only a row missing from the cache or at another rev has its meta read.
        if (cached) {
          const readMeta = this.statement('SELECT meta_nonce, meta_ct FROM entries WHERE id = ?', true);
          for (const row of read) {
            if (this.metaCache.get(toHex(row[0]))?.rev === row[1]) continue;
            const sealed = readMeta.get(row[0]) as [Uint8Array, Uint8Array] | undefined;
            if (sealed !== undefined) [row[3], row[4]] = sealed;
          }
        }
        const version = this.db.pragma('data_version', { simple: true }) as number;
        if (split !== undefined) {
          const now = performance.now();
          split.sqlMs += now - started;
          started = now;
        }
        if (version !== this.manifestCheckedAt) {
          this.manifestOk = manifestMatches(this.runtime.sodium, manifestKey, this.db, read);
          this.manifestCheckedAt = version;
        }
        if (split !== undefined) split.manifestMs += performance.now() - started;
        return read;
      })(),
    );
    return listingPass(ctx, rows, this.metaCache, nowMs, split);
  }

  /** A statement prepared once per session (the handle, and so the statements, go at lock). */
  private statement(sql: string, raw = false): Statement {
    const key = raw ? `raw:${sql}` : sql;
    let prepared = this.statements.get(key);
    if (prepared === undefined) {
      prepared = this.db.prepare(sql);
      if (raw) prepared.raw(true);
      this.statements.set(key, prepared);
    }
    return prepared;
  }

  /**
   * Keys that identify each stored account by type and secret (a keyed hash, never the secret), to
   * judge duplicates when previewing an import: labels differ too often between apps to be used.
   */
  duplicateKeys(): Set<string> {
    return this.read(() => duplicateKeysOf(this.db, this.sealContext(), (type, secret) => this.duplicateKey(type, secret)));
  }

  duplicateKey(type: Account['type'], secret: Uint8Array): string {
    const { sodium } = this.runtime;
    return toHex(sodium.crypto_generichash(16, concatBytes([utf8(type), Uint8Array.of(0), secret]), this.unlockedKeys().manifest));
  }

  /** Runs `use` with the seed of an account, then zeroes it. For reveal and export only. */
  withSecret<T>(id: string, use: (secret: Uint8Array) => T): T {
    return this.withSeed(this.row(id), use);
  }

  extra(id: string): EntryExtra {
    const extra = openExtra(this.sealContext(), this.row(id));
    if (extra === null) throw integrity(id, 'extra');
    return extra;
  }

  /** Shorthands for one-step transactions: each is `transaction((tx) => tx.entries.…)`. */
  add(account: NewAccount): AccountMeta {
    const [added] = this.addMany([account]);
    if (added === undefined) throw new Error('addMany returned nothing');
    return added;
  }

  /** Adds accounts at the end of the list, all in one transaction. */
  addMany(accounts: readonly NewAccount[]): AccountMeta[] {
    return this.transaction((tx) => tx.entries.add(accounts));
  }

  /** The accounts not stored yet, in one transaction (tx.entries.addNew). */
  addNew(accounts: readonly NewAccount[], options: { readonly includeDuplicates: boolean }): AddNewResult {
    return this.transaction((tx) => tx.entries.addNew(accounts, options));
  }

  update(id: string, patch: AccountPatch): AccountMeta {
    return this.transaction((tx) => tx.entries.update(id, patch));
  }

  remove(id: string): void {
    this.transaction((tx) => {
      tx.entries.remove(id);
    });
  }

  /** Puts the given ids first, in that order; accounts not named keep their relative order after them. */
  reorder(ids: readonly string[]): void {
    this.transaction((tx) => {
      tx.entries.reorder(ids);
    });
  }

  /** The HOTP code at the stored counter, and the counter advanced (unless peeking), in one immediate transaction. */
  nextHotp(id: string, options: { peek: boolean }): { code: string; counter: bigint } {
    if (!options.peek) return this.transaction((tx) => tx.entries.nextHotp(id));
    const meta = this.account(id);
    if (meta.type !== 'hotp') throw new VaultError('NOT_FOUND', 'that account is not a HOTP account', { id });
    return this.withSecret(id, (secret) => ({ code: createCodeGenerator(meta, secret).codeAt(0).code, counter: meta.counter }));
  }

  /**
   * Re-authentication for reveal, exports and password change, rate-limited like unlock
   * (SECURITY-NOTES §6). On a vault whose password alone opens no slot, a plugged key answers too
   * (a touch); no key there is KEY_NOT_FOUND, not a wrong attempt.
   */
  async reauthenticate(password: string, yubikey?: YubiKeyResponder): Promise<void> {
    const opening = await this.verifyPassword(password, yubikey);
    this.runtime.sodium.memzero(opening.passwordKey);
  }

  /** The password checked against this vault's own master key; counted as an unlock attempt. */
  private async verifyPassword(password: string, yubikey: YubiKeyResponder | undefined): Promise<PasswordOpening> {
    const { clock, sodium } = this.runtime;
    assertMayAttempt(this.path, this.vaultIdHex, clock.now());
    const keys = this.unlockedKeys();
    const opening = await openPasswordSlots(this.runtime, this.header.meta.vaultId, this.header.slots, password, yubikey);
    const matches = opening !== null && bytesEqual(opening.master, keys.master);
    if (opening !== null) sodium.memzero(opening.master);
    if (matches) {
      clearFailures(this.path, this.vaultIdHex);
      return opening;
    }
    if (opening !== null) sodium.memzero(opening.passwordKey);
    const record = recordFailure(this.path, this.vaultIdHex, clock.now());
    throw new VaultError('VAULT_WRONG_PASSWORD', wrongPasswordWords(this.header.slots), { failures: record.failures, retryAfterMs: retryAfterMs(record, clock.now()) });
  }

  /**
   * Adds a password+YubiKey slot (SECURITY-NOTES §1) answered by `answerer` (the new key's
   * challenge-response slot, a touch if it wants one), after the password again (`yubikey` answers
   * for a vault whose password alone opens nothing). It reuses the Argon2id salt and parameters of
   * the slot the password opened, so unlock runs the KDF once. With `removePasswordSlot`, the plain
   * password slots go in the same transaction; refused without a recovery slot.
   */
  async addYubiKeySlot(request: {
    readonly password: string;
    readonly yubikey?: YubiKeyResponder;
    readonly answerer: YubiKeyAnswerer;
    readonly removePasswordSlot: boolean;
  }): Promise<{ readonly slotId: string; readonly passwordSlotRemoved: boolean }> {
    const refused = 'the plain password slot was not removed';
    // Judged before the password and the key are asked: the slots left would be these plus the new one.
    if (request.removePasswordSlot) assertWayIn([...this.header.slots.filter((slot) => slot.kind !== 'password').map((slot) => slot.kind), 'password+yubikey'], refused);
    assertNotEnrolled(this.keySlotsRecord(), request.answerer);
    const { sodium } = this.runtime;
    const opening = await this.verifyPassword(request.password, request.yubikey);
    let row: SlotRow;
    try {
      row = await makeYubiKeySlot(sodium, this.header.meta.vaultId, this.unlockedKeys().master, { passwordKey: opening.passwordKey, params: { ops: opening.slot.ops, mem: opening.slot.mem }, salt: opening.slot.salt }, request.answerer);
    } finally {
      sodium.memzero(opening.passwordKey);
    }
    const slotId = toHex(row.slotId);
    this.transaction((tx) => {
      tx.slots.replace(request.removePasswordSlot ? ['password'] : [], [row]);
      tx.records.put('yubikey-unlock-slots', {
        ...this.keySlotsRecord(),
        [slotId]: { serial: request.answerer.serial, slot: request.answerer.slot, addedAt: Math.floor(this.runtime.clock.now() / 1000) },
      });
    });
    return { slotId, passwordSlotRemoved: request.removePasswordSlot };
  }

  /**
   * Adds the keyring slot (SECURITY-NOTES §1), after the password again, wrapping the master key under
   * `deviceKey` (which the caller keeps only as keyring ciphertext). A vault has one: an older keyring
   * slot is replaced. The password counts as typed now (the 7-day re-ask starts over).
   */
  async addKeyringSlot(request: { readonly password: string; readonly yubikey?: YubiKeyResponder; readonly deviceKey: Uint8Array }): Promise<{ readonly slotId: string }> {
    const opening = await this.verifyPassword(request.password, request.yubikey);
    this.runtime.sodium.memzero(opening.passwordKey);
    const row = makeKeyringSlot(this.runtime.sodium, this.header.meta.vaultId, this.unlockedKeys().master, request.deviceKey);
    const slotId = toHex(row.slotId);
    this.transaction((tx) => {
      tx.slots.replace(['keyring'], [row]);
      tx.records.put('keyring-slot', { slotId, passwordTypedAt: Math.floor(this.runtime.clock.now() / 1000) });
    });
    return { slotId };
  }

  /** The keyring slot and when the password was last typed; undefined when the vault has none. */
  keyringSlot(): { readonly slotId: string; readonly passwordTypedAt: number | undefined } | undefined {
    const slot = this.header.slots.find((candidate) => candidate.kind === 'keyring');
    if (slot === undefined) return undefined;
    const slotId = toHex(slot.slotId);
    const record = this.records.get('keyring-slot');
    return { slotId, passwordTypedAt: record?.slotId === slotId ? record.passwordTypedAt : undefined };
  }

  /** The password was just typed (an unlock, a re-authentication): the keyring's 7 days start over. */
  notePasswordTyped(): void {
    const keyring = this.keyringSlot();
    if (keyring === undefined || this.db.readonly) return;
    this.transaction((tx) => {
      tx.records.put('keyring-slot', { slotId: keyring.slotId, passwordTypedAt: Math.floor(this.runtime.clock.now() / 1000) });
    });
  }

  /**
   * The slot `slotId` names, when removing it would leave a way in (assertWayIn); else NOT_FOUND or
   * USAGE saying why. Asked before the password is checked again, so a refusal costs no touch.
   */
  removableSlot(slotId: string): SlotInfo {
    const slot = this.header.slots.find((candidate) => toHex(candidate.slotId) === slotId);
    if (slot === undefined) throw new VaultError('NOT_FOUND', `no key slot ${slotId} in this vault (see \`latchkey vault slots\`)`, { slotId });
    assertWayIn(
      this.header.slots.filter((candidate) => candidate !== slot).map((candidate) => candidate.kind),
      'the slot was not removed',
    );
    return this.slots().find((info) => info.id === slotId) ?? { id: slotId, kind: slot.kind };
  }

  /**
   * Removes one key slot; never the last way in (removableSlot). The caller has checked the password
   * again (the service's re-authentication).
   */
  removeSlot(slotId: string): SlotInfo {
    const removed = this.removableSlot(slotId);
    this.transaction((tx) => {
      tx.slots.remove([slotId]);
      if (removed.kind === 'keyring') tx.records.clear('keyring-slot');
      if (removed.kind === 'password+yubikey') {
        const record = this.keySlotsRecord();
        tx.records.put('yubikey-unlock-slots', Object.fromEntries(Object.entries(record).filter(([id]) => id !== slotId)));
      }
    });
    return removed;
  }

  /**
   * Rewraps the master key under a new password; rows are untouched. Each password+YubiKey slot is
   * re-made under a fresh challenge on the key recorded for it (a touch each): a recorded response
   * goes stale (SECURITY-NOTES §1). A slot whose key is not plugged in stops the change
   * (KEY_NOT_FOUND naming the slots, before any KDF) unless `dropMissingKeySlots`; then it is removed.
   * The keyring slots go. A plain password slot is written when the vault had one, or when no key
   * slot is left (a new password must open something).
   */
  async changePassword(next: string, options: { readonly yubikey?: YubiKeyResponder; readonly dropMissingKeySlots?: boolean } = {}): Promise<PasswordChange> {
    assertAcceptablePassword(next);
    const { sodium } = this.runtime;
    const keys = this.unlockedKeys();
    const vaultId = this.header.meta.vaultId;
    const keySlots = this.header.slots.filter((slot) => slot.kind === 'password+yubikey');
    const record = this.keySlotsRecord();
    const missingOf = (found: Set<SlotRow>) => keySlots.filter((slot) => !found.has(slot)).map((slot) => toHex(slot.slotId));
    // Checked before the KDF and before any touch: nothing is asked when the change can't go on.
    const missingBefore = missingOf(await keySlotsPresent(record, keySlots, options.yubikey));
    if (missingBefore.length > 0 && options.dropMissingKeySlots !== true) throw missingKeys(missingBefore);

    const key = await deriveNewPasswordKey(this.runtime, next);
    try {
      const password = { passwordKey: key.kek, params: key.params, salt: key.salt };
      const remade = await rechallengeKeySlots(sodium, vaultId, keys.master, password, { record, slots: keySlots }, options.yubikey);
      // A key unplugged between the check and its touch: the same rule as one never plugged in.
      const missing = missingOf(remade.remade);
      if (missing.length > missingBefore.length && options.dropMissingKeySlots !== true) throw missingKeys(missing);
      const rows = [...remade.rows];
      const hadPlain = this.header.slots.some((slot) => slot.kind === 'password');
      if (hadPlain || rows.length === 0) rows.push(wrapMasterKey(sodium, vaultId, keys.master, key.kek, { kind: 'password', kdf: { params: key.params, salt: key.salt } }));
      this.transaction((tx) => {
        tx.slots.replace(['password', 'password+yubikey', 'keyring'], rows);
        if (keySlots.length > 0) tx.records.put('yubikey-unlock-slots', remade.record);
        // The keyring slot goes with the old password (SECURITY-NOTES §1): turned on again by choice.
        if (this.header.slots.some((slot) => slot.kind === 'keyring')) tx.records.clear('keyring-slot');
      });
      // The recovery key's one use is setting a new password: a later change needs that one.
      this.opened = 'password';
      return { kdf: key.params, rechallenged: remade.remade.size, droppedKeySlots: missing };
    } finally {
      sodium.memzero(key.kek);
    }
  }

  get unlockedBy(): 'password' | 'recovery' {
    return this.opened;
  }

  /** A new recovery key; the old one stops working. Shown once by the caller, never stored. */
  issueRecoveryKey(): string {
    const { sodium } = this.runtime;
    const secret = randomBytes(32);
    const kek = recoveryKek(sodium, secret);
    const slot = wrapMasterKey(sodium, this.header.meta.vaultId, this.unlockedKeys().master, kek, { kind: 'recovery' });
    this.replaceSlots(['recovery'], slot);
    const text = formatRecoveryKey(sodium, secret);
    sodium.memzero(secret);
    sodium.memzero(kek);
    return text;
  }

  /** Opens every sealed field of every row, and checks the manifest. Reports; never repairs. */
  verify(): VerifyReport {
    const ctx = this.sealContext();
    const rows = this.read(() => this.db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries`).all()) as EntryRow[];
    const damaged: DamagedRow[] = [];
    for (const row of rows) {
      const id = toHex(row.id);
      if (openMeta(ctx, row, id) === null) damaged.push({ table: 'entries', id, field: 'meta' });
      const seed = openSeed(ctx, row);
      if (seed === null) damaged.push({ table: 'entries', id, field: 'seed' });
      else this.runtime.sodium.memzero(seed);
      if (openExtra(ctx, row) === null) damaged.push({ table: 'entries', id, field: 'extra' });
    }
    this.manifestOk = this.read(() => manifestMatches(this.runtime.sodium, this.unlockedKeys().manifest, this.db));
    return { rows: rows.length, damaged, manifest: this.manifestOk ? 'ok' : 'mismatch' };
  }

  /** After the user has seen a verify report: sign the rows as they are now. */
  acceptCurrentRows(): void {
    this.write(() => undefined, { allowUntrusted: true });
    this.manifestOk = true;
  }

  /** The data_version of the file, which changes when another connection (the CLI) commits. */
  dataVersion(): number {
    return this.read(() => this.db.pragma('data_version', { simple: true })) as number;
  }

  private replaceSlots(kinds: readonly SlotRow['kind'][], slot: SlotRow): void {
    this.transaction((tx) => {
      tx.slots.replace(kinds, [slot]);
    });
  }

  private row(id: string): EntryRow {
    if (!/^[0-9a-f]{32}$/.test(id)) throw notFound(id);
    const row = this.read(() => this.statement(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE id = ?`).get(fromHex(id))) as EntryRow | undefined;
    if (row === undefined) throw notFound(id);
    return row;
  }

  private withSeed<T>(row: EntryRow, use: (seed: Uint8Array) => T): T {
    const seed = openSeed(this.sealContext(), row);
    if (seed === null) throw integrity(toHex(row.id), 'seed');
    try {
      return use(seed);
    } finally {
      this.runtime.sodium.memzero(seed);
    }
  }

  private sealContext(): SealContext {
    return { sodium: this.runtime.sodium, vaultId: this.header.meta.vaultId, rowKey: this.unlockedKeys().rows };
  }

  private unlockedKeys(): VaultKeys {
    if (this.keys === undefined) throw new VaultError('VAULT_LOCKED', 'the vault is locked');
    return this.keys;
  }

  private read<T>(work: () => T): T {
    this.unlockedKeys();
    return withSqliteErrors(this.path, work);
  }

  /** One immediate transaction per logical change, re-signing the manifest inside it. */
  private write(work: () => void, options: { allowUntrusted?: boolean; signWith?: () => Uint8Array | undefined } = {}): void {
    this.unlockedKeys();
    if (this.db.readonly) throw readOnlyVault(this.path, 'nothing was changed');
    withSqliteErrors(this.path, () => {
      this.db
        .transaction(() => {
          // Checked under the write lock, after any commit by another process.
          this.recheckManifest();
          if (!this.manifestOk && options.allowUntrusted !== true) {
            throw new VaultError('VAULT_INTEGRITY', 'rows or key slots of the vault were deleted, added, changed or rolled back outside Latchkey; run `latchkey vault verify` first', {
              part: 'manifest',
            });
          }
          work();
          resignManifest(this.runtime.sodium, options.signWith?.() ?? this.unlockedKeys().manifest, this.db);
        })
        .immediate();
    });
  }
}

function missingKeys(slotIds: readonly string[]): VaultError {
  return new VaultError(
    'KEY_NOT_FOUND',
    `the YubiKey of ${slotIds.length === 1 ? 'key slot' : 'key slots'} ${slotIds.join(', ')} is not plugged in: plug it in to keep ${slotIds.length === 1 ? 'that slot' : 'those slots'} (a touch each), or confirm that ${slotIds.length === 1 ? 'it' : 'they'} may be removed; nothing was changed`,
    { slots: slotIds.join(',') },
  );
}

/** No data_version is negative: the manifest is checked at the first need. */
const NOT_CHECKED = -1;

/** The session reads a copy of a vault whose folder may not be written (vault-file.ts): every write is refused. */
function readOnlyVault(path: string, consequence: string): VaultError {
  const problem = readOnlyFolderProblem(path);
  return new VaultError('IO_ERROR', `${problem.words}, so the vault can only be read; ${consequence}: ${path}`, { path, reason: problem.reason });
}

interface TestInternals {
  readonly db: Db;
  readonly keys: VaultKeys;
  recordJson(name: string): unknown;
  putRecordJson(name: string, value: unknown): void;
}

/** Filled by each session's constructor; read only by testInternals, which index.ts does not export. */
const TEST_INTERNALS = new WeakMap<VaultSession, () => TestInternals>();

/**
 * For the vault's own tests only (outside main/vault the dependency rules allow index.ts alone, which
 * does not export this): the open file and the keys, to fill a disk, corrupt a row or check a key is
 * gone, and a record's stored JSON whatever its kind or shape.
 */
export function testInternals(session: VaultSession): TestInternals {
  const internals = TEST_INTERNALS.get(session);
  if (internals === undefined) throw new Error('not a VaultSession');
  return internals();
}
