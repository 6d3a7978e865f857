import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { toHex } from './bytes.js';
import { fsyncPath } from './create-vault.js';
import { FORMAT_VERSION } from './format.js';
import { computeHeaderSum } from './header.js';
import { manifestMatches, resignManifest } from './manifest.js';
import { randomBytes } from './random.js';
import type { Sodium } from './sodium.js';
import { VaultError } from './vault-error.js';
import { readCheckedHeader, withSqliteErrors, type Db, type VaultHeader } from './vault-file.js';

export interface Migration {
  /** The header as it is after the migration (or as another process left it). */
  readonly header: VaultHeader;
  /** Where the copy of the vault as it was before the migration was put; undefined when none was needed. */
  readonly copy: string | undefined;
}

/**
 * Brings a vault of an older format up to FORMAT_VERSION, right after a successful unlock
 * (SECURITY-NOTES §8): in one immediate transaction, after a consistent `.pre-migration` copy of the
 * file. The manifest is checked by the OLD rule first: only a vault whose old manifest matched is
 * re-signed by the new rule; a mismatching one keeps its MAC and so stays a mismatch, for the user to
 * check and accept. Slots are untouched (their associated data carries the slot layout's version).
 *
 * Format 1 → 2 changes only what the manifest MAC covers (now the meta row and every slot too) and
 * the format number (so the header sum is rewritten).
 */
export function migrateVault(sodium: Sodium, db: Db, path: string, manifestKey: Uint8Array): Migration {
  let result: Migration | undefined;
  withSqliteErrors(path, () => {
    db.transaction(() => {
      // Read again under the write lock: another process may have migrated (or written) meanwhile.
      const header = readCheckedHeader(sodium, db, path);
      if (header.meta.formatVersion >= FORMAT_VERSION) {
        result = { header, copy: undefined };
        return;
      }
      const trusted = manifestMatches(sodium, manifestKey, db);
      // We hold the write lock and have written nothing, so this copy is the vault as last committed.
      const copy = copyVaultOrThrow(path);
      try {
        const meta = { magic: header.meta.magic, formatVersion: FORMAT_VERSION, vaultId: header.meta.vaultId };
        const headerSum = computeHeaderSum(sodium, meta, header.slots);
        db.prepare('UPDATE meta SET format_version = ?, header_sum = ? WHERE id = 1').run(FORMAT_VERSION, headerSum);
        if (trusted) resignManifest(sodium, manifestKey, db);
        result = { header: { meta: { ...meta, headerSum }, slots: header.slots }, copy };
      } catch (error) {
        rmSync(copy, { force: true });
        throw error;
      }
    }).immediate();
  });
  if (result === undefined) throw new Error('migrateVault: the transaction returned nothing');
  return result;
}

function copyVaultOrThrow(path: string): string {
  try {
    return copyVault(path);
  } catch (error) {
    if (error instanceof Database.SqliteError || (error instanceof Error && 'code' in error)) {
      throw new VaultError('IO_ERROR', `the vault could not be copied before its format upgrade, so it was not upgraded: ${path}`, { path });
    }
    throw error;
  }
}

/**
 * A consistent copy of the vault beside it, `<vault>.pre-migration` (or `.pre-migration-2`, … when one
 * is already there: an earlier copy is never overwritten), mode 0600, made by SQLite itself (VACUUM
 * INTO through a second, read-only connection), so committed pages still in the WAL are included.
 */
function copyVault(path: string): string {
  const temporary = `${path}.migrating-${toHex(randomBytes(6))}`;
  // VACUUM INTO writes into an empty file it finds, keeping its mode: the copy is never readable by others.
  closeSync(openSync(temporary, 'wx', 0o600));
  try {
    const reader = new Database(path, { readonly: true, fileMustExist: true });
    try {
      reader.prepare('VACUUM INTO ?').run(temporary);
    } finally {
      reader.close();
    }
    fsyncPath(temporary);
    const target = freeName(`${path}.pre-migration`);
    renameSync(temporary, target);
    fsyncPath(dirname(path));
    return target;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function freeName(base: string): string {
  if (!existsSync(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${String(n)}`;
    if (!existsSync(candidate)) return candidate;
  }
}
