import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { VaultError } from './vault-error.js';

/**
 * Failed unlocks are counted in `<vault>.attempts`, never in the vault: a failed unlock must leave the
 * vault file byte for byte unchanged. SECURITY-NOTES §6: after 3 failures in a row, wait
 * min(2^(n-3), 300) seconds before the next attempt is even evaluated.
 *
 * A sidecar that is not a counter we wrote (garbage, or a directory) is never read as "no failures":
 * it counts as the worst case, the longest wait. Garbage is replaced by a worst-case record (so the
 * wait ends 300 s later); what cannot be replaced (a directory) keeps every attempt waiting until it
 * is removed. Either way the message names the file; never a stack trace.
 */
const recordSchema = z.object({ failures: z.number().int().nonnegative(), lastFailureMs: z.number() });
const fileSchema = z.record(z.string().regex(/^[0-9a-f]{32}$/), recordSchema);
type AttemptsFile = z.infer<typeof fileSchema>;

export const FREE_ATTEMPTS = 3;
export const MAX_WAIT_MS = 300_000;
/** The fewest failures whose wait is the longest one: 2^(12-3) s = 512 s, capped at 300 s. */
export const WORST_CASE_FAILURES = FREE_ATTEMPTS + Math.ceil(Math.log2(MAX_WAIT_MS / 1000));

export function attemptsPath(vaultPath: string): string {
  return `${vaultPath}.attempts`;
}

export interface AttemptsRecord {
  readonly failures: number;
  readonly lastFailureMs: number;
}

/** What the sidecar holds: a counter file, nothing (no failures yet), or something else (why, in words). */
type Sidecar = { readonly kind: 'file'; readonly file: AttemptsFile } | { readonly kind: 'damaged'; readonly reason: string };

/** Milliseconds until the next attempt may be evaluated (0: now). */
export function retryAfterMs(record: AttemptsRecord, nowMs: number): number {
  if (record.failures < FREE_ATTEMPTS) return 0;
  const waitMs = Math.min(2 ** (record.failures - FREE_ATTEMPTS) * 1000, MAX_WAIT_MS);
  return Math.max(0, record.lastFailureMs + waitMs - nowMs);
}

/**
 * Throws VAULT_TOO_MANY_ATTEMPTS while an attempt must wait. A damaged sidecar is the worst case:
 * it is replaced by a record whose wait is the longest (when it can be), and the message names it.
 */
export function assertMayAttempt(vaultPath: string, vaultIdHex: string, nowMs: number): void {
  const sidecar = readSidecar(vaultPath);
  if (sidecar.kind === 'damaged') {
    const file = attemptsPath(vaultPath);
    let repaired = true;
    try {
      writeFile(vaultPath, { [vaultIdHex]: { failures: WORST_CASE_FAILURES, lastFailureMs: nowMs } });
    } catch {
      repaired = false;
    }
    const seconds = String(MAX_WAIT_MS / 1000);
    throw new VaultError(
      'VAULT_TOO_MANY_ATTEMPTS',
      repaired
        ? `the failed-attempt counter ${file} was ${sidecar.reason}; it counts as the most failures: try again in ${seconds} s`
        : `the failed-attempt counter ${file} is ${sidecar.reason}, so every unlock waits the longest (${seconds} s): remove it, then try again`,
      { retryAfterMs: MAX_WAIT_MS, path: file },
    );
  }
  const wait = retryAfterMs(sidecar.file[vaultIdHex] ?? { failures: 0, lastFailureMs: 0 }, nowMs);
  if (wait > 0) throw new VaultError('VAULT_TOO_MANY_ATTEMPTS', `too many wrong passwords; try again in ${String(Math.ceil(wait / 1000))} s`, { retryAfterMs: wait });
}

export function recordFailure(vaultPath: string, vaultIdHex: string, nowMs: number): AttemptsRecord {
  const sidecar = readSidecar(vaultPath);
  const file = sidecar.kind === 'file' ? sidecar.file : {};
  const before = sidecar.kind === 'file' ? (file[vaultIdHex]?.failures ?? 0) : WORST_CASE_FAILURES;
  const record = { failures: before + 1, lastFailureMs: nowMs };
  try {
    writeFile(vaultPath, { ...file, [vaultIdHex]: record });
  } catch (error) {
    throw new VaultError('IO_ERROR', `the failed attempt could not be counted in ${attemptsPath(vaultPath)} (${reasonOf(error)}); nothing else was changed`, { path: attemptsPath(vaultPath) });
  }
  return record;
}

export function clearFailures(vaultPath: string, vaultIdHex: string): void {
  const sidecar = readSidecar(vaultPath);
  if (sidecar.kind === 'damaged') {
    // Reached only when the sidecar was damaged after this attempt was let through; best effort.
    try {
      writeFile(vaultPath, {});
    } catch {
      // A directory stays: the next attempt is refused with a message naming it.
    }
    return;
  }
  if (sidecar.file[vaultIdHex] === undefined) return;
  const { [vaultIdHex]: _cleared, ...rest } = sidecar.file;
  try {
    writeFile(vaultPath, rest);
  } catch {
    // The unlock succeeded; a counter that could not be cleared only makes later waits longer.
  }
}

function readSidecar(vaultPath: string): Sidecar {
  let text: string;
  try {
    text = readFileSync(attemptsPath(vaultPath), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'file', file: {} };
    return { kind: 'damaged', reason: code === 'EISDIR' ? 'a directory, not a file' : `unreadable (${reasonOf(error)})` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'damaged', reason: 'damaged (not the JSON Latchkey writes)' };
  }
  const checked = fileSchema.safeParse(parsed);
  // Whoever can damage the sidecar could also delete it (the KDF cost is the real defence), but a
  // damaged counter must not silently reset the count either.
  return checked.success ? { kind: 'file', file: checked.data } : { kind: 'damaged', reason: 'damaged (not the counter Latchkey writes)' };
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'the disk is full';
  return code ?? 'unknown error';
}

function writeFile(vaultPath: string, file: AttemptsFile): void {
  const target = attemptsPath(vaultPath);
  const temporary = `${target}.tmp`;
  writeFileSync(temporary, JSON.stringify(file), { mode: 0o600 });
  try {
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
