import { randomBytes } from './random.js';
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { toHex } from './bytes.js';
import { deriveNewPasswordKey } from './derive-password-key.js';
import { DISK_FULL, findDiskProblem } from './disk-problem.js';
import { FORMAT_VERSION, INSERT_SLOT_SQL, MAGIC, SCHEMA } from './format.js';
import { computeHeaderSum, type SlotRow } from './header.js';
import type { KdfParams } from './kdf-params.js';
import { deriveVaultKeys, zeroKeys } from './keys.js';
import { resignManifest } from './manifest.js';
import { assertAcceptablePassword } from './password.js';
import { formatRecoveryKey, recoveryKek } from './recovery-key.js';
import type { VaultRuntime } from './runtime.js';
import { wrapMasterKey } from './slots.js';
import { VaultError } from './vault-error.js';
import { mapSqliteError, refuseFolder } from './vault-file.js';

export interface CreatedVault {
  /** Shown to the user once; never stored anywhere. */
  readonly recoveryKey: string;
  readonly kdf: KdfParams;
}

/**
 * Makes a new vault: a random master key wrapped by a password slot and a recovery slot. It is built
 * in a temporary file and renamed into place, so a crash never leaves half a vault under the name.
 */
export async function createVault(path: string, password: string, runtime: VaultRuntime): Promise<CreatedVault> {
  assertAcceptablePassword(password);
  refuseFolder(path);
  if (existsSync(path) || existsSync(`${path}-wal`)) {
    throw new VaultError('VAULT_EXISTS', `a vault already exists at ${path}; it was left untouched`, { path });
  }
  const { sodium } = runtime;
  const vaultId = randomBytes(16);
  const keys = deriveVaultKeys(sodium, randomBytes(32));
  const passwordKey = await deriveNewPasswordKey(runtime, password);
  const recoverySecret = randomBytes(32);
  const recoveryKey = recoveryKek(sodium, recoverySecret);
  try {
    const slots: SlotRow[] = [
      wrapMasterKey(sodium, vaultId, keys.master, passwordKey.kek, { kind: 'password', kdf: { params: passwordKey.params, salt: passwordKey.salt } }),
      wrapMasterKey(sodium, vaultId, keys.master, recoveryKey, { kind: 'recovery' }),
    ];
    const temporary = `${path}.creating-${toHex(randomBytes(6))}`;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const db = new Database(temporary);
      try {
        db.pragma('journal_mode = DELETE');
        db.transaction(() => {
          for (const { sql } of SCHEMA) db.exec(sql);
          const meta = { magic: MAGIC, formatVersion: FORMAT_VERSION, vaultId };
          db.prepare('INSERT INTO meta (id, magic, format_version, vault_id, header_sum) VALUES (1, ?, ?, ?, ?)').run(
            MAGIC,
            FORMAT_VERSION,
            vaultId,
            computeHeaderSum(sodium, meta, slots),
          );
          const insertSlot = db.prepare(INSERT_SLOT_SQL);
          for (const slot of slots) insertSlot.run(slot);
          resignManifest(sodium, keys.manifest, db);
        })();
      } finally {
        db.close();
      }
      chmodSync(temporary, 0o600);
      fsyncPath(temporary);
      renameSync(temporary, path);
      fsyncPath(dirname(path));
    } catch (error) {
      throw mapCreateError(path, error);
    } finally {
      rmSync(temporary, { force: true });
    }
    return { recoveryKey: formatRecoveryKey(sodium, recoverySecret), kdf: passwordKey.params };
  } finally {
    zeroKeys(sodium, keys);
    sodium.memzero(passwordKey.kek);
    sodium.memzero(recoverySecret);
    sodium.memzero(recoveryKey);
  }
}

/** A full disk or a folder that may not be written, in words (IO_ERROR), whether SQLite or Node saw it. */
function mapCreateError(path: string, error: unknown): unknown {
  const mapped = mapSqliteError(path, error);
  if (mapped !== error) return mapped;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = code === 'ENOSPC' ? DISK_FULL : code === 'EROFS' || code === 'EACCES' || code === 'EPERM' ? findDiskProblem(path) : undefined;
  if (problem === undefined) return error;
  return new VaultError('IO_ERROR', `the vault could not be created: ${problem.words} (${path})`, { path, reason: problem.reason });
}

export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
