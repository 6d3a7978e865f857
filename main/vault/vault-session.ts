import { randomBytes } from './random.js';
import type { Account, AccountDraft } from '../../shared/account.js';
import { performance } from 'node:perf_hooks';
import type { Statement } from 'better-sqlite3';
import { createCodeGenerator, type OtpCode } from '../otp/index.js';
import { bytesEqual, concatBytes, fromHex, toHex, utf8 } from './bytes.js';
import { assertMayAttempt, clearFailures, recordFailure, retryAfterMs } from './attempts.js';
import { derivePasswordKey, deriveNewPasswordKey } from './derive-password-key.js';
import { readOnlyFolderProblem } from './disk-problem.js';
import { withoutSecrets, type AccountMeta, type EntryExtra } from './entry-codec.js';
import { INSERT_ENTRY_SQL, openExtra, openMeta, openSeed, REPLACE_ENTRY_SQL, sealEntry, type EntryRow, type SealContext } from './entry-rows.js';
import { FORMAT_VERSION, INSERT_SLOT_SQL } from './format.js';
import { computeHeaderSum, type SlotRow } from './header.js';
import type { KdfParams } from './kdf-params.js';
import { deriveVaultKeys, zeroKeys, type VaultKeys } from './keys.js';
import { listingPass, listingSql, type ListingPass, type ListingRow, type ListingSplit, type MetaCache } from './listing.js';
import { manifestMatches, resignManifest } from './manifest.js';
import { migrateVault } from './migrate.js';
import { open, rowAssociatedData, seal } from './sealing.js';
import { assertAcceptablePassword } from './password.js';
import { formatRecoveryKey, recoveryKek } from './recovery-key.js';
import type { VaultRuntime } from './runtime.js';
import { unwrapMasterKey, wrapMasterKey } from './slots.js';
import { readCheckedHeader, withSqliteErrors, type Db, type VaultHeader } from './vault-file.js';
import { VaultError } from './vault-error.js';

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

export interface SlotInfo {
  readonly id: string;
  readonly kind: SlotRow['kind'];
  readonly kdf?: KdfParams;
}

export type AccountPatch = Partial<Pick<Account, 'issuer' | 'label' | 'tags' | 'icon' | 'note' | 'recoveryCodes'>>;

interface OpenArgs {
  readonly db: Db;
  readonly path: string;
  readonly runtime: VaultRuntime;
  readonly master: Uint8Array;
  readonly expectedHeaderSum: Uint8Array;
  readonly unlockedBy: 'password' | 'recovery';
}

const ENTRY_COLUMNS = 'id, rev, position, meta_nonce, meta_ct, seed_nonce, seed_ct, extra_nonce, extra_ct';

/** An unlocked vault: the master key and subkeys live here, and nowhere else, until lock(). */
export class VaultSession {
  readonly path: string;
  /** How it was opened; a recovery session that has set a new password counts as a password one from then on. */
  private opened: 'password' | 'recovery';
  private readonly db: Db;
  private readonly runtime: VaultRuntime;
  private header: VaultHeader;
  private keys: VaultKeys | undefined;
  private manifestOk: boolean;
  /** The data_version at which manifestOk was last computed: another connection's commit changes it. */
  private manifestCheckedAt: number;
  private readonly metaCache: MetaCache = new Map();
  private readonly statements = new Map<string, Statement>();

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
    this.db.close();
  }

  slots(): SlotInfo[] {
    return this.header.slots.map((slot) => ({
      id: toHex(slot.slotId),
      kind: slot.kind,
      ...(slot.kdf === 'none' ? {} : { kdf: { ops: slot.ops, mem: slot.mem } }),
    }));
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
   * judge duplicates when importing: labels differ too often between apps to be used.
   */
  duplicateKeys(): Set<string> {
    const ctx = this.sealContext();
    const keys = new Set<string>();
    const rows = this.read(() => this.db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries`).all()) as EntryRow[];
    for (const row of rows) {
      const meta = openMeta(ctx, row, toHex(row.id));
      const seed = openSeed(ctx, row);
      if (meta === null || seed === null) continue;
      keys.add(this.duplicateKey(meta.type, seed));
      this.runtime.sodium.memzero(seed);
    }
    return keys;
  }

  duplicateKey(type: Account['type'], secret: Uint8Array): string {
    const { sodium } = this.runtime;
    return toHex(sodium.crypto_generichash(16, concatBytes([utf8(type), Uint8Array.of(0), secret]), this.unlockedKeys().manifest));
  }

  /**
   * Restores accounts in ONE transaction while `pull` streams them in: 'replace' empties the vault
   * first, 'merge' skips accounts already present (same type and secret). Any throw rolls it all back.
   */
  restore(mode: 'merge' | 'replace', pull: (add: (account: AccountDraft & AccountPatch) => void) => void): { added: number; skipped: number; removed: number } {
    const counts = { added: 0, skipped: 0, removed: 0 };
    const known = mode === 'merge' ? this.duplicateKeys() : new Set<string>();
    this.write(() => {
      if (mode === 'replace') counts.removed = this.db.prepare('DELETE FROM entries').run().changes;
      const insert = this.db.prepare(INSERT_ENTRY_SQL);
      const ctx = this.sealContext();
      const now = this.runtime.clock.now();
      let position = (this.db.prepare('SELECT COALESCE(MAX(position), -1) + 1 AS next FROM entries').get() as { next: number }).next;
      pull((draft) => {
        const key = this.duplicateKey(draft.type, draft.secret);
        if (known.has(key)) {
          counts.skipped++;
          return;
        }
        known.add(key);
        const idBytes = randomBytes(16);
        const account: Account = { createdAt: now, updatedAt: now, ...draft, id: toHex(idBytes), tags: draft.tags ?? [] };
        insert.run(sealEntry(ctx, idBytes, 1, position++, account));
        counts.added++;
      });
    });
    this.metaCache.clear();
    return counts;
  }

  /** A small sealed record kept in the vault (e.g. the last backup verification), by kind. */
  putRecord(kind: string, value: unknown): void {
    const id = this.recordId(kind);
    this.write(() => {
      const current = this.db.prepare('SELECT rev FROM records WHERE id = ?').get(id) as { rev: number } | undefined;
      const rev = (current?.rev ?? 0) + 1;
      const sealed = seal(this.runtime.sodium, this.unlockedKeys().rows, utf8(JSON.stringify(value)), rowAssociatedData(this.header.meta.vaultId, 'records', 'record', id, rev));
      this.db.prepare('INSERT INTO records (id, rev, nonce, ct) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, nonce = excluded.nonce, ct = excluded.ct').run(id, rev, sealed.nonce, sealed.ct);
    });
  }

  getRecord(kind: string): unknown {
    const id = this.recordId(kind);
    const row = this.read(() => this.db.prepare('SELECT rev, nonce, ct FROM records WHERE id = ?').get(id)) as { rev: number; nonce: Uint8Array; ct: Uint8Array } | undefined;
    if (row === undefined) return undefined;
    const bytes = open(this.runtime.sodium, this.unlockedKeys().rows, row, rowAssociatedData(this.header.meta.vaultId, 'records', 'record', id, row.rev));
    if (bytes === null) throw new VaultError('VAULT_INTEGRITY', 'a record of the vault fails its integrity check', { table: 'records', field: 'record' });
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  }

  private recordId(kind: string): Uint8Array {
    return this.runtime.sodium.crypto_generichash(16, utf8(`LK record ${kind}`), null);
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

  add(draft: AccountDraft & AccountPatch): AccountMeta {
    const [added] = this.addMany([draft]);
    if (added === undefined) throw new Error('addMany returned nothing');
    return added;
  }

  /** Adds accounts at the end of the list, all in one transaction (imports, restores). */
  addMany(drafts: readonly (AccountDraft & AccountPatch)[]): AccountMeta[] {
    const now = this.runtime.clock.now();
    const accounts = drafts.map((draft): [Uint8Array, Account] => {
      const idBytes = randomBytes(16);
      return [idBytes, { ...draft, id: toHex(idBytes), tags: draft.tags ?? [], createdAt: now, updatedAt: now }];
    });
    this.write(() => {
      const { next } = this.db.prepare('SELECT COALESCE(MAX(position), -1) + 1 AS next FROM entries').get() as { next: number };
      const insert = this.db.prepare(INSERT_ENTRY_SQL);
      const ctx = this.sealContext();
      accounts.forEach(([idBytes, account], offset) => insert.run(sealEntry(ctx, idBytes, 1, next + offset, account)));
    });
    return accounts.map(([, account]) => withoutSecrets(account));
  }

  update(id: string, patch: AccountPatch): AccountMeta {
    return this.rewrite(id, (account) => ({ ...account, ...patch, updatedAt: this.runtime.clock.now() }));
  }

  remove(id: string): void {
    this.write(() => {
      const { changes } = this.db.prepare('DELETE FROM entries WHERE id = ?').run(fromHex(id));
      if (changes === 0) throw notFound(id);
    });
    this.metaCache.delete(id);
  }

  /** Puts the given ids first, in that order; accounts not named keep their relative order after them. */
  reorder(ids: readonly string[]): void {
    this.write(() => {
      const current = (this.db.prepare('SELECT id FROM entries ORDER BY position, id').all() as { id: Uint8Array }[]).map((row) => toHex(row.id));
      for (const id of ids) if (!current.includes(id)) throw notFound(id);
      const order = [...new Set(ids), ...current.filter((id) => !ids.includes(id))];
      const setPosition = this.db.prepare('UPDATE entries SET position = ? WHERE id = ?');
      order.forEach((id, position) => setPosition.run(position, fromHex(id)));
    });
  }

  /** The HOTP code at the stored counter, and the counter advanced, in one immediate transaction. */
  nextHotp(id: string, options: { peek: boolean }): { code: string; counter: bigint } {
    let result: { code: string; counter: bigint } | undefined;
    const compute = (account: Account): string => {
      if (account.type !== 'hotp') throw new VaultError('NOT_FOUND', 'that account is not a HOTP account', { id });
      return createCodeGenerator(account, account.secret).codeAt(0).code;
    };
    if (options.peek) {
      const meta = this.account(id);
      return this.withSecret(id, (secret) => {
        const account = { ...meta, secret } as Account;
        return { code: compute(account), counter: account.type === 'hotp' ? account.counter : 0n };
      });
    }
    this.rewrite(id, (account) => {
      if (account.type !== 'hotp') return account;
      result = { code: compute(account), counter: account.counter };
      return { ...account, counter: account.counter + 1n };
    });
    if (result === undefined) throw new VaultError('NOT_FOUND', 'that account is not a HOTP account', { id });
    return result;
  }

  /** Re-authentication for reveal and password change, rate-limited like unlock (SECURITY-NOTES §6). */
  async reauthenticate(password: string): Promise<void> {
    const { clock } = this.runtime;
    assertMayAttempt(this.path, this.vaultIdHex, clock.now());
    const keys = this.unlockedKeys();
    for (const slot of this.header.slots.filter((s) => s.kind === 'password')) {
      const kek = await derivePasswordKey(this.runtime, password, slot.salt, { ops: slot.ops, mem: slot.mem });
      const master = unwrapMasterKey(this.runtime.sodium, this.header.meta.vaultId, slot, kek);
      this.runtime.sodium.memzero(kek);
      const matches = master !== null && bytesEqual(master, keys.master);
      if (master !== null) this.runtime.sodium.memzero(master);
      if (matches) {
        clearFailures(this.path, this.vaultIdHex);
        return;
      }
    }
    const record = recordFailure(this.path, this.vaultIdHex, clock.now());
    throw new VaultError('VAULT_WRONG_PASSWORD', 'wrong password', { failures: record.failures, retryAfterMs: retryAfterMs(record, clock.now()) });
  }

  /** Rewraps the master key under a new password; rows are untouched. Yubikey and keyring slots go. */
  async changePassword(next: string): Promise<KdfParams> {
    assertAcceptablePassword(next);
    const keys = this.unlockedKeys();
    const key = await deriveNewPasswordKey(this.runtime, next);
    const slot = wrapMasterKey(this.runtime.sodium, this.header.meta.vaultId, keys.master, key.kek, { kind: 'password', kdf: { params: key.params, salt: key.salt } });
    this.runtime.sodium.memzero(key.kek);
    this.replaceSlots(['password', 'password+yubikey', 'keyring'], [slot]);
    // The recovery key's one use is setting a new password: a later change needs that one.
    this.opened = 'password';
    return key.params;
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
    this.replaceSlots(['recovery'], [slot]);
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

  /** Full rekey is in rekey.ts; it needs these internals. */
  internals(): { db: Db; runtime: VaultRuntime; keys: VaultKeys; header: VaultHeader; write: (work: () => void) => void; swapKeys: (keys: VaultKeys, header: VaultHeader) => void } {
    return {
      db: this.db,
      runtime: this.runtime,
      keys: this.unlockedKeys(),
      header: this.header,
      write: (work) => {
        this.write(work);
      },
      swapKeys: (keys, header) => {
        zeroKeys(this.runtime.sodium, this.unlockedKeys());
        this.keys = keys;
        this.header = header;
        this.metaCache.clear();
      },
    };
  }

  private rewrite(id: string, change: (account: Account) => Account): AccountMeta {
    let updated: AccountMeta | undefined;
    this.write(() => {
      const row = this.row(id);
      const ctx = this.sealContext();
      const meta = openMeta(ctx, row, id);
      const extra = openExtra(ctx, row);
      if (meta === null) throw integrity(id, 'meta');
      if (extra === null) throw integrity(id, 'extra');
      this.withSeed(row, (secret) => {
        const next = change({ ...meta, ...extra, secret });
        this.db.prepare(REPLACE_ENTRY_SQL).run(sealEntry(ctx, row.id, row.rev + 1, row.position, next));
        updated = withoutSecrets(next);
      });
    });
    if (updated === undefined) throw notFound(id);
    return updated;
  }

  private replaceSlots(kinds: readonly SlotRow['kind'][], added: readonly SlotRow[]): void {
    const { sodium } = this.runtime;
    this.write(() => {
      const remove = this.db.prepare('DELETE FROM slots WHERE kind = ?');
      for (const kind of kinds) remove.run(kind);
      const insert = this.db.prepare(INSERT_SLOT_SQL);
      for (const slot of added) insert.run(slot);
      const slots = [...this.header.slots.filter((slot) => !kinds.includes(slot.kind)), ...added];
      const headerSum = computeHeaderSum(sodium, this.header.meta, slots);
      this.db.prepare('UPDATE meta SET header_sum = ? WHERE id = 1').run(headerSum);
      this.header = { meta: { ...this.header.meta, headerSum }, slots };
    });
    // With secure_delete on, the checkpoint overwrites the old wrapped key instead of leaving it in a free page.
    this.read(() => this.db.pragma('wal_checkpoint(TRUNCATE)'));
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
  private write(work: () => void, options: { allowUntrusted?: boolean } = {}): void {
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
          // Read the keys after the work: a rekey swaps them inside it.
          resignManifest(this.runtime.sodium, this.unlockedKeys().manifest, this.db);
        })
        .immediate();
    });
  }
}

/** No data_version is negative: the manifest is checked at the first need. */
const NOT_CHECKED = -1;

function integrity(id: string, field: string): VaultError {
  return new VaultError('VAULT_INTEGRITY', `an account of the vault fails its integrity check (${field})`, { table: 'entries', id, field });
}

/** The session reads a copy of a vault whose folder may not be written (vault-file.ts): every write is refused. */
function readOnlyVault(path: string, consequence: string): VaultError {
  const problem = readOnlyFolderProblem(path);
  return new VaultError('IO_ERROR', `${problem.words}, so the vault can only be read; ${consequence}: ${path}`, { path, reason: problem.reason });
}

function notFound(id: string): VaultError {
  return new VaultError('NOT_FOUND', 'no account with that id', { id });
}
