import { ImportError } from './import-error.js';

/**
 * Each format's KDF box (SECURITY-NOTES §8): wide enough for every real export, checked before any
 * KDF runs so a crafted file can neither hang us nor ask for gigabytes.
 */
export function assertArgon2idBox(ops: unknown, memBytes: unknown): asserts ops is number {
  const ok =
    Number.isSafeInteger(ops) &&
    Number.isSafeInteger(memBytes) &&
    (ops as number) >= 1 &&
    (ops as number) <= 64 &&
    (memBytes as number) >= 8 * 1024 &&
    (memBytes as number) <= 1024 ** 3 &&
    (ops as number) * (memBytes as number) <= 4 * 1024 ** 3;
  if (!ok) throw outOfBox(`Argon2id ${String(ops)} passes, ${String(memBytes)} bytes`);
}

export function assertScryptBox(n: unknown, r: unknown, p: unknown): void {
  const ok =
    Number.isSafeInteger(n) &&
    Number.isSafeInteger(r) &&
    Number.isSafeInteger(p) &&
    (n as number) >= 2 &&
    (n as number) <= 2 ** 20 &&
    ((n as number) & ((n as number) - 1)) === 0 &&
    (r as number) >= 1 &&
    (r as number) <= 16 &&
    (p as number) >= 1 &&
    (p as number) <= 16 &&
    // Within the per-parameter box, also bound memory (128·N·r) and total work (N·r·p): N=2^20 with
    // r=16 would need 2 GiB. Aegis's default (2^15, 8, 1) is 32 MiB and 2^18 work.
    128 * (n as number) * (r as number) <= 512 * 1024 * 1024 &&
    (n as number) * (r as number) * (p as number) <= 2 ** 22;
  if (!ok) throw outOfBox(`scrypt N=${String(n)} r=${String(r)} p=${String(p)}`);
}

export function assertPbkdf2Box(iterations: unknown): asserts iterations is number {
  if (!(Number.isSafeInteger(iterations) && (iterations as number) >= 1 && (iterations as number) <= 10_000_000)) {
    throw outOfBox(`PBKDF2 with ${String(iterations)} iterations`);
  }
}

function outOfBox(what: string): ImportError {
  return new ImportError('KDF_PARAMS_OUT_OF_RANGE', `the export asks for ${what}: outside what any real export uses; refused before deriving`);
}
