import { bytesEqual, encodeFields } from './bytes.js';
import { FORMAT_VERSION, TABLE_CODE } from './format.js';
import type { Sodium } from './sodium.js';
import type { Db } from './vault-file.js';

interface Tuple {
  readonly table: number;
  readonly id: Uint8Array;
  readonly rev: number;
  readonly position: number;
}

/**
 * The manifest MAC covers every row's (table, id, rev, position): it catches a deleted, injected or
 * rolled-back row that would still open on its own. Rolling back the whole file can't be seen offline.
 */
export function computeManifestMac(sodium: Sodium, key: Uint8Array, revision: number, db: Db): Uint8Array {
  const tuples: Tuple[] = [
    ...(db.prepare('SELECT id, rev, position FROM entries').all() as Omit<Tuple, 'table'>[]).map((row) => ({ ...row, table: TABLE_CODE.entries })),
    ...(db.prepare('SELECT id, rev, 0 AS position FROM groups').all() as Omit<Tuple, 'table'>[]).map((row) => ({ ...row, table: TABLE_CODE.groups })),
    ...(db.prepare('SELECT id, rev, 0 AS position FROM records').all() as Omit<Tuple, 'table'>[]).map((row) => ({ ...row, table: TABLE_CODE.records })),
  ];
  tuples.sort((a, b) => a.table - b.table || Buffer.compare(a.id, b.id));
  const fields: (Uint8Array | number | string)[] = ['LK manifest v1', FORMAT_VERSION, revision];
  for (const tuple of tuples) fields.push(tuple.table, tuple.id, tuple.rev, tuple.position);
  return sodium.crypto_generichash(32, encodeFields(fields), key);
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
