import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LatchkeyError } from '../../shared/errors.js';

export interface NewFileOptions {
  /** Put the new file in place of one already at the path (the CLI, after asking); refused otherwise. */
  readonly replace: boolean;
}

/**
 * Writes a file holding secrets (a backup, an export) so that it is always a new file of mode 0600:
 * written to a temporary name in the same folder, flushed, then moved into place. An existing file
 * is never written through (its mode and owner would stay), and without `replace` it is never
 * replaced either: the final step is a hard link, which fails when the name is taken.
 */
export function writeNewFile(path: string, write: (append: (block: Uint8Array) => void) => void, options: NewFileOptions): void {
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
  const fd = openSync(temporary, 'wx', 0o600);
  let open = true;
  try {
    write((block) => {
      writeSync(fd, block);
    });
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    if (options.replace) renameSync(temporary, path);
    else {
      try {
        linkSync(temporary, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new LatchkeyError('IO_ERROR', `${basename(path)} already exists there; choose a new name (an existing file is never replaced)`, { reason: 'exists' });
        }
        throw error;
      }
      rmSync(temporary);
    }
    fsyncFolder(dirname(path));
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The rename is durable only once the folder's entry is on disk (POSIX); not every platform allows it. */
export function fsyncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; its rename is durable on its own.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
