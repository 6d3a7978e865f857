import type Database from 'better-sqlite3';
import { computeHeaderSum, type SlotRow } from '../header.js';
import type { Sodium } from '../sodium.js';

interface RawSlot {
  slot_id: Uint8Array;
  kind: SlotRow['kind'];
  kdf: string;
  ops: number;
  mem: number;
  salt: Uint8Array;
  challenge: Uint8Array;
  nonce: Uint8Array;
  wrapped_mk: Uint8Array;
}

/** The slots as they are in the file, read through a plain connection (no checks). */
export function readSlotRows(db: Database.Database): SlotRow[] {
  return (db.prepare('SELECT * FROM slots').all() as RawSlot[]).map((row) => ({
    slotId: row.slot_id,
    kind: row.kind,
    kdf: row.kdf,
    ops: row.ops,
    mem: row.mem,
    salt: row.salt,
    challenge: row.challenge,
    nonce: row.nonce,
    wrappedMk: row.wrapped_mk,
  }));
}

/** Rewrites the unkeyed header sum from the meta row and slots as they now are, as an attacker can. */
export function rewriteHeaderSum(sodium: Sodium, db: Database.Database): void {
  const meta = db.prepare('SELECT magic, format_version, vault_id FROM meta').get() as { magic: string; format_version: number; vault_id: Uint8Array };
  const sum = computeHeaderSum(sodium, { magic: meta.magic, formatVersion: meta.format_version, vaultId: meta.vault_id }, readSlotRows(db));
  db.prepare('UPDATE meta SET header_sum = ?').run(sum);
}
