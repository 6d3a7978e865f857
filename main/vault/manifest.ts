import { bytesEqual, encodeFields } from './bytes.js';
import { FORMAT_VERSION, TABLE_CODE } from './format.js';
import type { Sodium } from './sodium.js';
import type { Db } from './vault-file.js';

const TUPLE_BYTES = 1 + 16 + 4 + 8;
const TABLES = [
  [TABLE_CODE.entries, 'SELECT id, rev, position FROM entries'],
  [TABLE_CODE.groups, 'SELECT id, rev, 0 FROM groups'],
  [TABLE_CODE.records, 'SELECT id, rev, 0 FROM records'],
] as const;

/**
 * The manifest MAC covers every row's (table, id, rev, position): it catches a deleted, injected or
 * rolled-back row that would still open on its own. Rolling back the whole file can't be seen offline.
 * Tuples are fixed width (table u8, id 16 B, rev u32, position u64), sorted by table then id.
 */
export function computeManifestMac(sodium: Sodium, key: Uint8Array, revision: number, db: Db): Uint8Array {
  const rows: [number, Uint8Array, number, number][] = [];
  for (const [table, sql] of TABLES) {
    for (const [id, rev, position] of db.prepare(sql).raw().all() as [Uint8Array, number, number][]) rows.push([table, id, rev, position]);
  }
  rows.sort((a, b) => a[0] - b[0] || Buffer.compare(a[1], b[1]));
  const header = encodeFields(['LK manifest v1', FORMAT_VERSION, revision]);
  const message = new Uint8Array(header.length + rows.length * TUPLE_BYTES);
  const view = new DataView(message.buffer);
  message.set(header);
  let at = header.length;
  for (const [table, id, rev, position] of rows) {
    if (id.length !== 16) return sodium.crypto_generichash(32, 'LK manifest: malformed id', key);
    message[at] = table;
    message.set(id, at + 1);
    view.setUint32(at + 17, rev);
    view.setBigUint64(at + 21, BigInt(position));
    at += TUPLE_BYTES;
  }
  return sodium.crypto_generichash(32, message, key);
}

export function readManifest(db: Db): { revision: number; mac: Uint8Array } | undefined {
  return db.prepare('SELECT revision, mac FROM manifest WHERE id = 1').get() as { revision: number; mac: Uint8Array } | undefined;
}

export function manifestMatches(sodium: Sodium, key: Uint8Array, db: Db): boolean {
  const stored = readManifest(db);
  return stored !== undefined && bytesEqual(computeManifestMac(sodium, key, stored.revision, db), stored.mac);
}

/** Bumps the vault-wide revision and re-signs; called inside every write transaction. */
export function resignManifest(sodium: Sodium, key: Uint8Array, db: Db): void {
  const revision = (readManifest(db)?.revision ?? 0) + 1;
  const mac = computeManifestMac(sodium, key, revision, db);
  db.prepare('INSERT INTO manifest (id, revision, mac) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, mac = excluded.mac').run(
    revision,
    mac,
  );
}
