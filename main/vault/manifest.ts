import { bytesEqual, concatBytes, encodeFields } from './bytes.js';
import { TABLE_CODE } from './format.js';
import type { Sodium } from './sodium.js';
import type { Db } from './vault-file.js';

const TUPLE_BYTES = 1 + 16 + 4 + 8;
const TABLES = [
  [TABLE_CODE.entries, 'SELECT id, rev, position FROM entries'],
  [TABLE_CODE.groups, 'SELECT id, rev, 0 FROM groups'],
  [TABLE_CODE.records, 'SELECT id, rev, 0 FROM records'],
] as const;
/** Every column of a slot, in the order they are encoded (format 2 on). */
const SLOT_SQL = 'SELECT slot_id, kind, kdf, ops, mem, salt, challenge, nonce, wrapped_mk FROM slots';
const SLOT_COLUMNS = 9;

type Field = Uint8Array | string | number;

/**
 * The manifest MAC, keyed with K_manifest. Which input it covers is decided by the `format_version`
 * stored in the file's meta row, so a vault is always checked (and re-signed) by the rule of its own
 * format, and a format-1 vault can be checked by the old rule before it is migrated:
 *
 * - format 1: `encodeFields("LK manifest v1", 1, revision)` ‖ row tuples;
 * - format 2: `encodeFields("LK manifest v2", format_version, revision, magic, vault_id, slot count)`
 *   ‖ `encodeFields(slot_id, kind, kdf, ops, mem, salt, challenge, nonce, wrapped_mk)` for every slot,
 *   sorted by slot_id ‖ row tuples. A deleted, added or altered slot therefore breaks the MAC even when
 *   the unkeyed header sum was rewritten to match.
 *
 * Row tuples cover every row's (table, id, rev, position): they catch a deleted, injected or
 * rolled-back row that would still open on its own. They are fixed width (table u8, id 16 B, rev u32,
 * position u64), sorted by table then id. Rolling back the whole file can't be seen offline.
 */
export function computeManifestMac(sodium: Sodium, key: Uint8Array, revision: number, db: Db, entries?: readonly EntryTuple[]): Uint8Array {
  const malformed = () => sodium.crypto_generichash(32, 'LK manifest: malformed', key);
  const meta = db.prepare('SELECT magic, format_version, vault_id FROM meta WHERE id = 1').raw().get() as [unknown, unknown, unknown] | undefined;
  if (meta === undefined) return malformed();
  const [magic, formatVersion, vaultId] = meta;
  if (typeof magic !== 'string' || typeof formatVersion !== 'number' || !(vaultId instanceof Uint8Array)) return malformed();

  let header: Uint8Array;
  if (formatVersion === 1) {
    header = encodeFields(['LK manifest v1', 1, revision]);
  } else {
    const slots = db.prepare(SLOT_SQL).raw().all() as unknown[][];
    const encoded: Uint8Array[] = [];
    for (const slot of slots) {
      if (slot.length !== SLOT_COLUMNS || !slot.every(isField) || !(slot[0] instanceof Uint8Array)) return malformed();
      encoded.push(encodeFields(slot));
    }
    const order = slots.map((slot, i) => [slot[0] as Uint8Array, i] as const).sort((a, b) => Buffer.compare(a[0], b[0]));
    header = concatBytes([
      encodeFields(['LK manifest v2', formatVersion, revision, magic, vaultId, slots.length]),
      ...order.map(([, i]) => encoded[i] ?? new Uint8Array(0)),
    ]);
  }

  const rows: [number, Uint8Array, number, number][] = [];
  for (const [table, sql] of TABLES) {
    const tuples = table === TABLE_CODE.entries && entries !== undefined ? entries : (db.prepare(sql).raw().all() as EntryTuple[]);
    for (const [id, rev, position] of tuples) {
      if (!(id instanceof Uint8Array) || id.length !== 16) return malformed();
      rows.push([table, id, rev, position]);
    }
  }
  const tuples = encodeRowTuples(rows);
  const message = new Uint8Array(header.length + tuples.length);
  message.set(header);
  message.set(tuples, header.length);
  return sodium.crypto_generichash(32, message, key);
}

/**
 * The fixed-width (table u8, id 16 B, rev u32, position u64) tuples, sorted by table then id. Ids
 * are 16 random bytes: their first 6 bytes, as a number, order them but for the rarest ties, so
 * 10,000 rows sort without a Buffer.compare per comparison. Positions are written in two u32
 * halves (no BigInt per row); a negative one wraps as setBigUint64 does.
 */
export function encodeRowTuples(rows: readonly (readonly [table: number, id: Uint8Array, rev: number, position: number])[]): Uint8Array {
  const lead = (id: Uint8Array) => (id[0] ?? 0) * 2 ** 40 + (id[1] ?? 0) * 2 ** 32 + ((((id[2] ?? 0) << 24) | ((id[3] ?? 0) << 16) | ((id[4] ?? 0) << 8) | (id[5] ?? 0)) >>> 0);
  const keyed = rows.map((row) => ({ row, lead: lead(row[1]) }));
  keyed.sort((a, b) => a.row[0] - b.row[0] || a.lead - b.lead || Buffer.compare(a.row[1], b.row[1]));
  const out = new Uint8Array(rows.length * TUPLE_BYTES);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const { row } of keyed) {
    const [table, id, rev, position] = row;
    out[at] = table;
    out.set(id, at + 1);
    view.setUint32(at + 17, rev);
    view.setUint32(at + 21, Math.floor(position / 2 ** 32));
    view.setUint32(at + 25, position >>> 0);
    at += TUPLE_BYTES;
  }
  return out;
}

function isField(value: unknown): value is Field {
  return value instanceof Uint8Array || typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0);
}

export function readManifest(db: Db): { revision: number; mac: Uint8Array } | undefined {
  return db.prepare('SELECT revision, mac FROM manifest WHERE id = 1').get() as { revision: number; mac: Uint8Array } | undefined;
}

/**
 * True when the stored MAC matches the file as it is now, by the rule of the file's own format.
 * `entries`: the (id, rev, position, …) of every entries row, already read in the same read
 * transaction (the listing's rows), so the table is not scanned twice.
 */
export function manifestMatches(sodium: Sodium, key: Uint8Array, db: Db, entries?: readonly EntryTuple[]): boolean {
  const stored = readManifest(db);
  return stored !== undefined && bytesEqual(computeManifestMac(sodium, key, stored.revision, db, entries), stored.mac);
}

/** A row's id, rev and position first; any further columns (a listing's) are ignored. */
type EntryTuple = readonly [Uint8Array, number, number, ...unknown[]];

/**
 * Bumps the vault-wide revision and re-signs; called inside every write transaction, after the
 * work, so a change to the slots or the meta row in the same transaction is covered.
 */
export function resignManifest(sodium: Sodium, key: Uint8Array, db: Db): void {
  const revision = (readManifest(db)?.revision ?? 0) + 1;
  const mac = computeManifestMac(sodium, key, revision, db);
  db.prepare('INSERT INTO manifest (id, revision, mac) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, mac = excluded.mac').run(
    revision,
    mac,
  );
}
