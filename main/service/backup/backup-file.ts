import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { BackupReader, BackupWriter, concatBytes, newBackupHeader, readPrelude, type BackupEntry, type BackupPrelude, type SeededEntry } from '../../formats/latchkey-backup/index.js';
import type { DeriveKey, KdfParams, Sodium } from '../../vault/index.js';
import { fileErrorOf } from '../fs-words.js';
import { keyUnlessCancelled } from '../key-unless-cancelled.js';
import { writeNewFile } from '../secure-file.js';

const READ_BLOCK = 64 * 1024;

/**
 * A backup step the user may follow and stop (the app's opId; the CLI gives none). The backup key's
 * derivation is the only slow part and the only place a cancel lands: the file is written, or the
 * entries read, in one synchronous run after it, so a cancel never leaves half a file.
 */
export interface BackupSteps {
  readonly signal?: AbortSignal;
  readonly stage?: (stage: string) => void;
}

export const DERIVING_STAGE = 'Deriving the backup key…';

/**
 * Writes a backup as a new 0600 file (secure-file.ts): a temporary file in the target folder, fsync,
 * then moved into place. A crash never leaves a partial file under the final name, and an existing
 * file is replaced only when asked. Returns size and SHA-256.
 */
export async function writeBackupFile(
  path: string,
  entries: Iterable<SeededEntry>,
  crypto: { sodium: Sodium; deriveKey: DeriveKey; kdf: KdfParams; password: Uint8Array; app: string; replace: boolean },
  steps: BackupSteps = {},
): Promise<{ bytes: number; sha256: string; accounts: number }> {
  const { sodium } = crypto;
  const salt = new Uint8Array(randomBytes(16));
  steps.stage?.(DERIVING_STAGE);
  const key = await keyUnlessCancelled(crypto.deriveKey(crypto.password, salt, crypto.kdf), (late) => { sodium.memzero(late); }, steps.signal);
  steps.stage?.('Writing the backup…');
  const writer = new BackupWriter(sodium, key, newBackupHeader(sodium, key, { ...crypto.kdf, salt }, crypto.app));
  sodium.memzero(key);
  const hash = createHash('sha256');
  let bytes = 0;
  let accounts = 0;
  writeNewFile(
    path,
    (append) => {
      const write = (block: Uint8Array) => {
        append(block);
        hash.update(block);
        bytes += block.length;
      };
      write(writer.start());
      for (const entry of entries) {
        writer.add(entry).forEach(write);
        entry.secret.fill(0);
        accounts++;
      }
      writer.finish().forEach(write);
    },
    { replace: crypto.replace },
  );
  return { bytes, sha256: hash.digest('hex'), accounts };
}

/** An opened backup: its header read and its key derived; entries are streamed by `readEntries`. */
export interface OpenedBackup {
  readonly reader: BackupReader;
  readonly fd: number;
  /** For an error's words: a read can still fail after the header (a failing disk). */
  readonly path: string;
  readonly prelude: BackupPrelude;
  readonly hash: ReturnType<typeof createHash>;
  readonly rest: Uint8Array;
}

/** A cancel during the key's derivation closes the file again: nothing has been read from it yet. */
export async function openBackupFile(path: string, password: Uint8Array, crypto: { sodium: Sodium; deriveKey: DeriveKey }, steps: BackupSteps = {}): Promise<OpenedBackup> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileErrorOf(`cannot open the backup ${path}`, path, error);
  }
  try {
    const hash = createHash('sha256');
    let start: Uint8Array = new Uint8Array(0);
    let prelude: BackupPrelude | undefined;
    let eof = false;
    while (prelude === undefined) {
      const block = readBlock(fd, path);
      eof = block.length === 0;
      hash.update(block);
      start = concatBytes([start, block]);
      prelude = readPrelude(start, eof);
    }
    const { header } = prelude;
    steps.stage?.(DERIVING_STAGE);
    const deriving = crypto.deriveKey(password, new Uint8Array(Buffer.from(header.salt, 'base64')), { ops: header.ops, mem: header.mem });
    const key = await keyUnlessCancelled(deriving, (late) => { crypto.sodium.memzero(late); }, steps.signal);
    try {
      return { reader: new BackupReader(crypto.sodium, key, prelude), fd, path, prelude, hash, rest: start.subarray(prelude.bytes.length) };
    } finally {
      crypto.sodium.memzero(key);
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Streams the accounts of an opened backup, synchronously (so a restore can run in one transaction). */
export function readEntries(opened: OpenedBackup, onEntry: (entry: BackupEntry) => void): { sha256: string } {
  try {
    opened.reader.feed(opened.rest).forEach(onEntry);
    for (;;) {
      const block = readBlock(opened.fd, opened.path);
      if (block.length === 0) break;
      opened.hash.update(block);
      opened.reader.feed(block).forEach(onEntry);
    }
    opened.reader.end();
    return { sha256: opened.hash.digest('hex') };
  } finally {
    closeSync(opened.fd);
  }
}

/** A folder opens like a file and fails only here (EISDIR); a failing disk fails here too. */
function readBlock(fd: number, path: string): Uint8Array {
  const buffer = new Uint8Array(READ_BLOCK);
  let read: number;
  try {
    read = readSync(fd, buffer, 0, READ_BLOCK, null);
  } catch (error) {
    throw fileErrorOf(`cannot read the backup ${path}`, path, error);
  }
  return buffer.subarray(0, read);
}
