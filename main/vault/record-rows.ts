import { utf8 } from './bytes.js';
import type { SealContext } from './entry-rows.js';
import { judgeRecord, type RecordKind, type RecordRead, type RecordValue } from './records.js';
import { open, rowAssociatedData, seal } from './sealing.js';
import type { Sodium } from './sodium.js';
import type { Db } from './vault-file.js';
import { VaultError } from './vault-error.js';

/** A record whose seal fails, and one that opens to no JSON: told apart from any JSON value. */
const DAMAGED: unique symbol = Symbol('damaged record');
const NOT_JSON: unique symbol = Symbol('record not JSON');

interface RecordRow {
  readonly id: Uint8Array;
  readonly rev: number;
  readonly nonce: Uint8Array;
  readonly ct: Uint8Array;
}

/** A record's row id: a hash of its kind's name, so the file does not say which kinds it holds. */
export function recordId(sodium: Sodium, name: string): Uint8Array {
  return sodium.crypto_generichash(16, utf8(`LK record ${name}`), null);
}

/** The stored JSON of a record, by name; undefined when there is no row, DAMAGED or NOT_JSON when it can't be read. */
export function openRecordJson(ctx: SealContext, db: Db, name: string): unknown {
  const id = recordId(ctx.sodium, name);
  const row = db.prepare('SELECT id, rev, nonce, ct FROM records WHERE id = ?').get(id) as RecordRow | undefined;
  if (row === undefined) return undefined;
  const bytes = open(ctx.sodium, ctx.rowKey, row, rowAssociatedData(ctx.vaultId, 'records', 'record', id, row.rev));
  if (bytes === null) return DAMAGED;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return NOT_JSON;
  } finally {
    ctx.sodium.memzero(bytes);
  }
}

export function readRecord<K extends RecordKind>(ctx: SealContext, db: Db, kind: K): RecordRead<RecordValue<K>> {
  const stored = openRecordJson(ctx, db, kind);
  if (stored === undefined) return { state: 'absent' };
  if (stored === DAMAGED) return { state: 'damaged' };
  if (stored === NOT_JSON) return { state: 'misshapen', problem: `the ${kind} record is not JSON` };
  return judgeRecord(kind, stored);
}

/** Seals `value` (JSON; null clears) into its record's row at the next revision. */
export function writeRecord(ctx: SealContext, db: Db, name: string, value: unknown): void {
  const id = recordId(ctx.sodium, name);
  const current = db.prepare('SELECT rev FROM records WHERE id = ?').get(id) as { rev: number } | undefined;
  const rev = (current?.rev ?? 0) + 1;
  const sealed = seal(ctx.sodium, ctx.rowKey, utf8(JSON.stringify(value)), rowAssociatedData(ctx.vaultId, 'records', 'record', id, rev));
  db.prepare('INSERT INTO records (id, rev, nonce, ct) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, nonce = excluded.nonce, ct = excluded.ct').run(id, rev, sealed.nonce, sealed.ct);
}

/** Every record (of any kind, known or not) moves to a new row key at rev+1; one that fails to open stops it all. */
export function resealRecords(db: Db, from: SealContext, to: SealContext): void {
  const { sodium, vaultId } = from;
  const update = db.prepare('UPDATE records SET rev = ?, nonce = ?, ct = ? WHERE id = ?');
  for (const record of db.prepare('SELECT id, rev, nonce, ct FROM records').all() as RecordRow[]) {
    const plaintext = open(sodium, from.rowKey, record, rowAssociatedData(vaultId, 'records', 'record', record.id, record.rev));
    if (plaintext === null) throw new VaultError('VAULT_INTEGRITY', 'a record of the vault fails its integrity check; rekey stopped, nothing changed', { table: 'records' });
    const sealed = seal(sodium, to.rowKey, plaintext, rowAssociatedData(vaultId, 'records', 'record', record.id, record.rev + 1));
    sodium.memzero(plaintext);
    update.run(record.rev + 1, sealed.nonce, sealed.ct, record.id);
  }
}
