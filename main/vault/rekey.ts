import { randomBytes } from './random.js';
import { toHex } from './bytes.js';
import { deriveNewPasswordKey } from './derive-password-key.js';
import { openExtra, openMeta, openSeed, REPLACE_ENTRY_SQL, sealEntry, type EntryRow, type SealContext } from './entry-rows.js';
import { INSERT_SLOT_SQL } from './format.js';
import { computeHeaderSum } from './header.js';
import { deriveVaultKeys, zeroKeys } from './keys.js';
import { formatRecoveryKey, recoveryKek } from './recovery-key.js';
import { open, rowAssociatedData, seal } from './sealing.js';
import { wrapMasterKey } from './slots.js';
import type { VaultSession } from './vault-session.js';
import type { Db } from './vault-file.js';
import { VaultError } from './vault-error.js';

/**
 * Full rekey ("my password or a backup may have leaked"): a new master key, every row re-sealed with
 * new nonces at rev+1, a new manifest, a new password slot and recovery key, all in one transaction.
 * Every other slot is removed. A row that fails to open stops the rekey: nothing is ever dropped.
 */
export async function rekeyVault(session: VaultSession, password: string): Promise<{ recoveryKey: string }> {
  await session.reauthenticate(password);
  const { db, runtime, keys, header, write, swapKeys } = session.internals();
  const { sodium } = runtime;
  const oldCtx = { sodium, vaultId: header.meta.vaultId, rowKey: keys.rows };
  const newKeys = deriveVaultKeys(sodium, randomBytes(32));
  const newCtx = { sodium, vaultId: header.meta.vaultId, rowKey: newKeys.rows };
  const passwordKey = await deriveNewPasswordKey(runtime, password);
  const recoverySecret = randomBytes(32);
  const recoveryKey = recoveryKek(sodium, recoverySecret);
  const slots = [
    wrapMasterKey(sodium, header.meta.vaultId, newKeys.master, passwordKey.kek, { kind: 'password', kdf: { params: passwordKey.params, salt: passwordKey.salt } }),
    wrapMasterKey(sodium, header.meta.vaultId, newKeys.master, recoveryKey, { kind: 'recovery' }),
  ];
  sodium.memzero(passwordKey.kek);
  sodium.memzero(recoveryKey);
  const headerSum = computeHeaderSum(sodium, header.meta, slots);

  try {
    // write() re-signs the manifest with the session's keys after this work, so the swap comes last.
    write(() => {
      for (const row of db.prepare('SELECT * FROM entries').all() as EntryRow[]) {
        const id = toHex(row.id);
        const meta = openMeta(oldCtx, row, id);
        const extra = openExtra(oldCtx, row);
        const seed = openSeed(oldCtx, row);
        if (meta === null || extra === null || seed === null) {
          throw new VaultError('VAULT_INTEGRITY', 'an account fails its integrity check; rekey stopped, nothing changed', { table: 'entries', id });
        }
        db.prepare(REPLACE_ENTRY_SQL).run(sealEntry(newCtx, row.id, row.rev + 1, row.position, { ...meta, ...extra, secret: seed }));
        sodium.memzero(seed);
      }
      resealRecords(db, oldCtx, newCtx);
      db.prepare('DELETE FROM slots').run();
      const insert = db.prepare(INSERT_SLOT_SQL);
      for (const slot of slots) insert.run(slot);
      db.prepare('UPDATE meta SET header_sum = ? WHERE id = 1').run(headerSum);
      swapKeys(newKeys, { meta: { ...header.meta, headerSum }, slots });
    });
  } catch (error) {
    // The transaction rolled back. If the keys were already swapped, the old ones are zeroed: lock,
    // and the user unlocks again with the password, which still opens the unchanged file.
    if (session.internals().keys === newKeys) session.lock();
    else zeroKeys(sodium, newKeys);
    throw error;
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  const text = formatRecoveryKey(sodium, recoverySecret);
  sodium.memzero(recoverySecret);
  return { recoveryKey: text };
}

interface RecordRow {
  readonly id: Uint8Array;
  readonly rev: number;
  readonly nonce: Uint8Array;
  readonly ct: Uint8Array;
}

/** The sealed records (settings, backup state) move to the new key too, or they would stop opening. */
function resealRecords(db: Db, oldCtx: SealContext, newCtx: SealContext): void {
  const { sodium, vaultId } = oldCtx;
  const update = db.prepare('UPDATE records SET rev = ?, nonce = ?, ct = ? WHERE id = ?');
  for (const record of db.prepare('SELECT id, rev, nonce, ct FROM records').all() as RecordRow[]) {
    const plaintext = open(sodium, oldCtx.rowKey, record, rowAssociatedData(vaultId, 'records', 'record', record.id, record.rev));
    if (plaintext === null) throw new VaultError('VAULT_INTEGRITY', 'a record of the vault fails its integrity check; rekey stopped, nothing changed', { table: 'records' });
    const sealed = seal(sodium, newCtx.rowKey, plaintext, rowAssociatedData(vaultId, 'records', 'record', record.id, record.rev + 1));
    sodium.memzero(plaintext);
    update.run(record.rev + 1, sealed.nonce, sealed.ct, record.id);
  }
}
