import type { BackupSodium as Sodium } from './backup-sodium.js';
import type { BackupEntry, BackupHeader, SeededEntry } from './backup-format.js';
import { BackupReader, readPrelude, type BackupPrelude } from './backup-reader.js';
import { BackupWriter } from './backup-writer.js';
import { concatBytes } from './concat.js';

/** A whole backup in memory (for a handful of accounts: the clipboard transfer block). */
export function backupBytes(sodium: Sodium, key: Uint8Array, header: BackupHeader, entries: Iterable<SeededEntry>): Uint8Array {
  const writer = new BackupWriter(sodium, key, header);
  const parts = [writer.start()];
  for (const entry of entries) parts.push(...writer.add(entry));
  parts.push(...writer.finish());
  return concatBytes(parts);
}

export function backupPreludeOf(bytes: Uint8Array): BackupPrelude {
  const prelude = readPrelude(bytes, true);
  if (prelude === undefined) throw new Error('unreachable: a complete file always yields a prelude or an error');
  return prelude;
}

/** Reads every entry of an in-memory backup whose key is already derived. */
export function readBackupBytes(sodium: Sodium, key: Uint8Array, bytes: Uint8Array, prelude: BackupPrelude): BackupEntry[] {
  const reader = new BackupReader(sodium, key, prelude);
  const entries = reader.feed(bytes.subarray(prelude.bytes.length));
  reader.end();
  return entries;
}
