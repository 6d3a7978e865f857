import { LatchkeyError } from '../../shared/errors.js';

/** What a file-system error means, as a user would say it (never a raw "ENOENT: …" line). */
const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'it does not exist (was it moved, removed or unmounted?)',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'something else is already there',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EIO: 'the disk reported an input/output error',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EBUSY: 'it is busy',
};

export function errnoCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** The words for an error: a file-system error by its code, a Latchkey error by its message. */
export function describeFailure(error: unknown): string {
  if (error instanceof LatchkeyError) return error.message;
  const code = errnoCodeOf(error);
  if (code !== undefined) return WORDS[code] ?? `the system refused (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** A file-system error as IO_ERROR, its reason in words: `what` says what was being done ("cannot write to X"). */
export function ioErrorOf(what: string, error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  const code = errnoCodeOf(error);
  return new LatchkeyError('IO_ERROR', `${what}: ${describeFailure(error)}`, code === undefined ? undefined : { errno: code });
}

/**
 * A file the user named could not be opened, read or written: IO_ERROR naming it and saying why (it
 * is missing, a folder, not permitted, the disk is full), never the raw error as a crash. `what` is
 * the act and the file, "cannot read the password file pw.txt". A Latchkey error passes unchanged.
 */
export function fileErrorOf(what: string, path: string, error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  const code = errnoCodeOf(error);
  return new LatchkeyError('IO_ERROR', `${what}: ${describeFailure(error)}`, code === undefined ? { path } : { path, errno: code });
}
