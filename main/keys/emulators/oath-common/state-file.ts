import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LatchkeyError } from '../../../../shared/errors.js';

/**
 * The state files of the OATH emulators: JSON, 0600, replaced atomically (temp file + rename) on
 * every change so a reader never sees half a state; read back when another process changed it.
 */
export function readStateText(path: string): string | null {
  if (!existsSync(path)) return null;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw ioError('read', path, error);
  }
}

export function writeStateText(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${String(process.pid)}.tmp`);
  try {
    writeFileSync(temp, text, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch (error) {
    throw ioError('write', path, error);
  }
}

/**
 * Notices when someone else rewrote the file (a test changing the touch policy of a served key):
 * `changed()` is true once per new version, our own writes excluded.
 */
export class StateFileWatch {
  private seen: string | null;

  constructor(private readonly path: string) {
    this.seen = this.signature();
  }

  /** Call after our own write so it does not count as someone else's. */
  ownWrite(): void {
    this.seen = this.signature();
  }

  /** The new version could not be used (caught half written): report it as changed again next time. */
  retryLater(): void {
    this.seen = null;
  }

  changed(): boolean {
    const now = this.signature();
    if (now === this.seen) return false;
    this.seen = now;
    return now !== null;
  }

  private signature(): string | null {
    try {
      const stat = statSync(this.path);
      return `${String(stat.ino)}:${String(stat.mtimeMs)}:${String(stat.size)}`;
    } catch {
      return null;
    }
  }
}

/**
 * The touch policy from a state file someone else changed, or null when unchanged or unreadable
 * (a writer that is not atomic can be caught half way: the next look tries again).
 */
export function changedTouchPolicy<P>(path: string, watch: StateFileWatch, policyOf: (text: string) => P): P | null {
  if (!watch.changed()) return null;
  try {
    const text = readStateText(path);
    return text === null ? null : policyOf(text);
  } catch {
    watch.retryLater();
    return null;
  }
}

export function ioError(verb: string, path: string, error: unknown): LatchkeyError {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown';
  return new LatchkeyError('IO_ERROR', `cannot ${verb} the emulator state ${path} (${code})`);
}
