import { accessSync, constants, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Why a file of the vault could not be read or written, as a user would say it, and a stable name for scripts. */
export interface DiskProblem {
  readonly reason: 'disk-full' | 'read-only-folder' | 'read-only-file' | 'unreadable-file' | 'io-failure';
  readonly words: string;
}

/** Below this many free bytes a failed write is put down to a full disk (SQLite grows files a page or a WAL frame at a time). */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * Asks the file system what stands in the way of the vault at `path`: a full disk, a folder or file
 * that may not be written, a file that may not be read. Undefined when none of these is the case.
 */
export function findDiskProblem(path: string): DiskProblem | undefined {
  const folder = dirname(path);
  if (freeBytes(folder) < NEARLY_FULL_BYTES) return DISK_FULL;
  const folderWrite = accessError(folder, constants.W_OK);
  if (folderWrite !== undefined) return readOnlyFolder(folderWrite);
  const fileRead = accessError(path, constants.R_OK);
  if (fileRead !== undefined && fileRead !== 'ENOENT') return { reason: 'unreadable-file', words: 'the vault file may not be read (permission denied)' };
  const fileWrite = accessError(path, constants.W_OK);
  if (fileWrite !== undefined && fileWrite !== 'ENOENT') return { reason: 'read-only-file', words: 'the vault file is read-only' };
  return undefined;
}

export const DISK_FULL: DiskProblem = { reason: 'disk-full', words: 'the disk is full' };

/** True when nothing may be created in the vault's folder (a read-only mount, or no write permission). */
export function folderIsReadOnly(path: string): boolean {
  const error = accessError(dirname(path), constants.W_OK);
  return error === 'EROFS' || error === 'EACCES' || error === 'EPERM';
}

export function readOnlyFolderProblem(path: string): DiskProblem {
  return readOnlyFolder(accessError(dirname(path), constants.W_OK) ?? 'EACCES');
}

function readOnlyFolder(code: string): DiskProblem {
  return {
    reason: 'read-only-folder',
    words: code === 'EROFS' ? 'the vault folder is read-only (a read-only file system)' : 'the vault folder is read-only (no permission to write in it)',
  };
}

function freeBytes(folder: string): number {
  try {
    const stats = statfsSync(folder);
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function accessError(path: string, mode: number): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}
