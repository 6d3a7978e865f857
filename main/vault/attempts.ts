import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Failed unlocks are counted in `<vault>.attempts`, never in the vault: a failed unlock must leave the
 * vault file byte for byte unchanged. SECURITY-NOTES §6: after 3 failures in a row, wait
 * min(2^(n-3), 300) seconds before the next attempt is even evaluated.
 */
const recordSchema = z.object({ failures: z.number().int().nonnegative(), lastFailureMs: z.number() });
const fileSchema = z.record(z.string().regex(/^[0-9a-f]{32}$/), recordSchema);
type AttemptsFile = z.infer<typeof fileSchema>;

export const FREE_ATTEMPTS = 3;
export const MAX_WAIT_MS = 300_000;

export function attemptsPath(vaultPath: string): string {
  return `${vaultPath}.attempts`;
}

export interface AttemptsRecord {
  readonly failures: number;
  readonly lastFailureMs: number;
}

export function readAttempts(vaultPath: string, vaultIdHex: string): AttemptsRecord {
  return readFile(vaultPath)[vaultIdHex] ?? { failures: 0, lastFailureMs: 0 };
}

/** Milliseconds until the next attempt may be evaluated (0: now). */
export function retryAfterMs(record: AttemptsRecord, nowMs: number): number {
  if (record.failures < FREE_ATTEMPTS) return 0;
  const waitMs = Math.min(2 ** (record.failures - FREE_ATTEMPTS) * 1000, MAX_WAIT_MS);
  return Math.max(0, record.lastFailureMs + waitMs - nowMs);
}

export function recordFailure(vaultPath: string, vaultIdHex: string, nowMs: number): AttemptsRecord {
  const file = readFile(vaultPath);
  const record = { failures: (file[vaultIdHex]?.failures ?? 0) + 1, lastFailureMs: nowMs };
  writeFile(vaultPath, { ...file, [vaultIdHex]: record });
  return record;
}

export function clearFailures(vaultPath: string, vaultIdHex: string): void {
  const file = readFile(vaultPath);
  if (file[vaultIdHex] === undefined) return;
  const { [vaultIdHex]: _cleared, ...rest } = file;
  writeFile(vaultPath, rest);
}

function readFile(vaultPath: string): AttemptsFile {
  let text: string;
  try {
    text = readFileSync(attemptsPath(vaultPath), 'utf8');
  } catch {
    return {};
  }
  try {
    return fileSchema.parse(JSON.parse(text));
  } catch {
    // Whoever can damage the sidecar can delete it too; the KDF cost is the real defence, and a
    // damaged counter must never lock the user out.
    return {};
  }
}

function writeFile(vaultPath: string, file: AttemptsFile): void {
  const target = attemptsPath(vaultPath);
  const temporary = `${target}.tmp`;
  writeFileSync(temporary, JSON.stringify(file), { mode: 0o600 });
  renameSync(temporary, target);
}
