import { closeSync, openSync, readSync } from 'node:fs';
import { MAGIC } from './format.js';
import { VaultError } from './vault-error.js';

/** The 16 bytes every SQLite database file starts with. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const MAGIC_BYTES = Buffer.from(MAGIC, 'latin1');
const CHUNK = 1 << 20;

/**
 * `--vault notes.txt` names a file that was never a vault: SQLite calls it SQLITE_NOTADB, which is
 * also what a vault whose first page was overwritten gets, and both used to say "damaged". A file
 * without SQLite's header and without Latchkey's magic anywhere in it (a damaged vault still holds
 * its meta row's `LTCHKEY1` somewhere) is VAULT_NOT_A_VAULT; anything else is left to the checks
 * after it. A file that can't be read is left to them too: they say why.
 */
export function refuseForeignFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    if (readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER)) return;
    if (holdsMagic(fd)) return;
  } catch {
    return;
  } finally {
    closeSync(fd);
  }
  throw new VaultError('VAULT_NOT_A_VAULT', `${path} is not a Latchkey vault (not a SQLite database file at all): give the vault file's path`, { path, reason: 'not-sqlite' });
}

/** Whether Latchkey's magic occurs anywhere in the file, read a chunk at a time (a chunk overlaps the last by the magic's length). */
function holdsMagic(fd: number): boolean {
  const buffer = Buffer.alloc(CHUNK + MAGIC_BYTES.length);
  let carried = 0;
  let position = 0;
  for (;;) {
    const read = readSync(fd, buffer, carried, CHUNK, position);
    if (read === 0) return false;
    const filled = carried + read;
    if (buffer.subarray(0, filled).includes(MAGIC_BYTES)) return true;
    position += read;
    carried = Math.min(MAGIC_BYTES.length - 1, filled);
    buffer.copy(buffer, 0, filled - carried, filled);
  }
}
