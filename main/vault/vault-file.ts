import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bytesEqual } from './bytes.js';
import { DISK_FULL, findDiskProblem, folderIsReadOnly, readOnlyFolderProblem, type DiskProblem } from './disk-problem.js';
import { refuseForeignFile } from './foreign-file.js';
import { FORMAT_VERSION, MAGIC, OLDEST_FORMAT_VERSION, SCHEMA, type SlotKind } from './format.js';
import { computeHeaderSum, type MetaRow, type SlotRow } from './header.js';
import type { Sodium } from './sodium.js';
import { VaultError } from './vault-error.js';

export type Db = Database.Database;

export interface VaultHeader {
  readonly meta: MetaRow;
  readonly slots: readonly SlotRow[];
}

interface RawMeta {
  magic: unknown;
  format_version: unknown;
  vault_id: unknown;
  header_sum: unknown;
}

interface RawSlot {
  slot_id: Uint8Array;
  kind: string;
  kdf: string;
  ops: number;
  mem: number;
  salt: Uint8Array;
  challenge: Uint8Array;
  nonce: Uint8Array;
  wrapped_mk: Uint8Array;
}

const SLOT_KINDS: readonly string[] = ['password', 'password+yubikey', 'recovery', 'keyring'] satisfies SlotKind[];

/**
 * Opens a vault read-only and runs every check that needs no key: file, magic, version, schema,
 * header sum and SQLite's quick_check. Nothing is written, the journal mode is left alone.
 */
export function inspectVaultFile(sodium: Sodium, path: string): VaultHeader {
  if (!existsSync(path)) throw new VaultError('VAULT_NOT_FOUND', `no vault at ${path}`, { path });
  refuseFolder(path);
  if (statSync(path).size === 0) throw corrupt(path, 'file', 'the vault file is empty');
  refuseForeignFile(path);
  const db = openDatabase(path, { readonly: true });
  try {
    return withSqliteErrors(path, () => readCheckedHeader(sodium, db, path, { quickCheck: true }));
  } finally {
    db.close();
  }
}

/**
 * `--vault ~/vaults` names the folder, not the file in it. SQLite would call that a failing disk
 * (SQLITE_IOERR) and `init` a vault already there; say what it is and which file was meant.
 */
export function refuseFolder(path: string): void {
  let folder = false;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    return;
  }
  if (folder) throw new VaultError('VAULT_NOT_A_VAULT', `${path} is a folder, not a vault file: give the file's path (such as ${join(path, 'vault.sqlite')})`, { path });
}

export function openDatabase(path: string, options: { readonly: boolean; busyTimeoutMs?: number }): Db {
  // SQLite cannot open a WAL-mode file where it may not create the -shm file beside it.
  if (folderIsReadOnly(path)) return openReadOnlySnapshot(path);
  try {
    const db = new Database(path, { readonly: options.readonly, fileMustExist: true, timeout: options.busyTimeoutMs ?? 5000 });
    db.unsafeMode(false);
    return db;
  } catch (error) {
    throw mapSqliteError(path, error);
  }
}

/**
 * A vault in a folder nobody may write (a read-only mount, a folder without write permission) can't
 * change, so it is read from a copy in memory, marked as a rollback-journal file (header bytes 18
 * and 19) since the WAL needs its -shm file. The connection is read-only: a write fails with
 * IO_ERROR naming the folder. A WAL left over by a crash holds commits the copy would miss: refused.
 */
function openReadOnlySnapshot(path: string): Db {
  const problem = readOnlyFolderProblem(path);
  if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0) {
    throw new VaultError('IO_ERROR', `${problem.words}, and the vault's last changes are still in ${path}-wal: open it once where its folder may be written: ${path}`, {
      path,
      reason: problem.reason,
    });
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new VaultError('IO_ERROR', `the vault file may not be read (permission denied): ${path}`, { path, reason: 'unreadable-file' });
  }
  if (bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  try {
    const db = new Database(bytes, { readonly: true });
    db.unsafeMode(false);
    return db;
  } catch (error) {
    throw mapSqliteError(path, error);
  }
}

/**
 * Reads and checks the header through an open handle (read-only before unlock, read-write after).
 * SQLite's quick_check reads the whole file, so it runs once, in the read-only inspection.
 */
export function readCheckedHeader(sodium: Sodium, db: Db, path: string, options: { quickCheck: boolean } = { quickCheck: false }): VaultHeader {
  const tables = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
    type: string;
    name: string;
    sql: string | null;
  }[];
  if (!tables.some((table) => table.type === 'table' && table.name === 'meta')) {
    throw new VaultError('VAULT_NOT_A_VAULT', `${path} is not a Latchkey vault`, { path });
  }
  const raw = db.prepare('SELECT magic, format_version, vault_id, header_sum FROM meta WHERE id = 1').get() as RawMeta | undefined;
  if (raw?.magic !== MAGIC) throw new VaultError('VAULT_NOT_A_VAULT', `${path} is not a Latchkey vault`, { path });
  if (typeof raw.format_version !== 'number' || !Number.isInteger(raw.format_version) || raw.format_version < OLDEST_FORMAT_VERSION) {
    throw corrupt(path, 'header', 'the vault header is damaged');
  }
  if (raw.format_version > FORMAT_VERSION) {
    throw new VaultError('VAULT_TOO_NEW', `${path} was written by a newer Latchkey (format ${String(raw.format_version)}; this one reads ${String(FORMAT_VERSION)})`, {
      path,
      found: raw.format_version,
      supported: FORMAT_VERSION,
    });
  }
  assertSchema(tables, path);
  if (!(raw.vault_id instanceof Uint8Array) || raw.vault_id.length !== 16 || !(raw.header_sum instanceof Uint8Array)) {
    throw corrupt(path, 'header', 'the vault header is damaged');
  }
  const meta: MetaRow = { magic: raw.magic, formatVersion: raw.format_version, vaultId: raw.vault_id, headerSum: raw.header_sum };
  const slots = (db.prepare('SELECT * FROM slots').all() as RawSlot[]).map((row) => slotFromRow(row, path));
  if (!bytesEqual(computeHeaderSum(sodium, meta, slots), meta.headerSum)) {
    throw corrupt(path, 'header', 'the vault header or a key slot is damaged (its checksum does not match)');
  }
  if (options.quickCheck && db.pragma('quick_check', { simple: true }) !== 'ok') throw corrupt(path, 'file', 'the vault file is damaged (SQLite quick_check failed)');
  return { meta, slots };
}

function assertSchema(tables: readonly { type: string; name: string; sql: string | null }[], path: string): void {
  const expected = [...SCHEMA].sort((a, b) => a.name.localeCompare(b.name));
  // Tables' automatic primary-key indexes have no SQL; anything else (a trigger, a view) is foreign.
  const actual = tables.filter((table) => !(table.type === 'index' && table.sql === null));
  const same =
    actual.length === expected.length &&
    actual.every((table, i) => table.type === expected[i]?.type && table.name === expected[i].name && table.sql === expected[i].sql);
  if (!same) throw corrupt(path, 'schema', 'the vault holds tables, triggers or views it should not');
}

function slotFromRow(row: RawSlot, path: string): SlotRow {
  const blobs = [row.slot_id, row.salt, row.challenge, row.nonce, row.wrapped_mk];
  if (!blobs.every((blob) => blob instanceof Uint8Array) || !SLOT_KINDS.includes(row.kind)) {
    throw corrupt(path, 'header', 'a key slot of the vault is damaged');
  }
  return {
    slotId: row.slot_id,
    kind: row.kind as SlotKind,
    kdf: row.kdf,
    ops: row.ops,
    mem: row.mem,
    salt: row.salt,
    challenge: row.challenge,
    nonce: row.nonce,
    wrappedMk: row.wrapped_mk,
  };
}

export function corrupt(path: string, part: 'file' | 'header' | 'schema', message: string): VaultError {
  return new VaultError('VAULT_CORRUPT', `${message}: ${path}`, { path, part });
}

/** Runs SQLite work, turning its errors into our codes (damage, busy) with the file named. */
export function withSqliteErrors<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw mapSqliteError(path, error);
  }
}

export function mapSqliteError(path: string, error: unknown): unknown {
  if (error instanceof VaultError || !(error instanceof Database.SqliteError)) return error;
  const code = error.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new VaultError('VAULT_IN_USE', `the vault is in use by another process: ${path}`, { path });
  }
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_ERROR' || code === 'SQLITE_IOERR_CORRUPTFS') {
    return corrupt(path, 'file', 'the vault file is damaged or truncated');
  }
  // A full disk, a read-only folder or a failing drive: the vault is fine, the place it lives is not.
  if (code.startsWith('SQLITE_FULL')) return ioError(path, DISK_FULL, code);
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    const problem = findDiskProblem(path) ?? (code.startsWith('SQLITE_READONLY') ? READ_ONLY_FILE : undefined);
    if (problem !== undefined) return ioError(path, problem, code);
    if (code.startsWith('SQLITE_IOERR')) return ioError(path, { reason: 'io-failure', words: 'reading or writing the disk failed' }, code);
    return new VaultError('IO_ERROR', `the vault file cannot be opened (${code}): ${path}`, { path, sqlite: code });
  }
  return error;
}

const READ_ONLY_FILE: DiskProblem = { reason: 'read-only-file', words: 'the vault file is read-only' };

function ioError(path: string, problem: DiskProblem, code: string): VaultError {
  return new VaultError('IO_ERROR', `the vault could not be read or written: ${problem.words} (${path}); nothing was changed`, { path, reason: problem.reason, sqlite: code });
}
