import { ImportError } from './import-error.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Each format's KDF box (SECURITY-NOTES §8): wide enough for every real export, checked before any
 * KDF runs so a crafted file can neither hang us nor ask for gigabytes.
 *
 * The box is per FILE, not per slot: a file's KDF runs (Aegis password slots, 2FAS's reference and
 * services keys, one Ente or andOTP key) are all tried in the worst case (a wrong password tries
 * every one), so their summed cost must fit the one box, checked with the `assert…Plan` functions
 * before the first run. Cost is the work each function does, and memory is judged per run (the
 * import KDF queue runs one derivation at a time, service-wide, so memory does not add up):
 *
 *   scrypt    work = N·r·p summed over the runs (in 128·r-byte block mixes, ~0.3–0.6 s for 2^21 here);
 *             memory = 128·N·r per run.
 *   Argon2id  work = memory × passes summed over the runs (libsodium, one lane); memory per run.
 *   PBKDF2    work = iterations summed over the runs.
 */
export const KDF_BOX = {
  argon2id: { maxOps: 64, minMemBytes: 8 * 1024, maxMemBytes: GiB, maxWork: 4 * GiB },
  // Aegis writes N=2^15, r=8, p=1: 32 MiB and 2^18 work a slot, and has one password slot (its other
  // slots are biometric, not scrypt). A run may use 4 times that memory (128 MiB, inside §8's 256 MiB
  // of extra RSS), and the file 8 times that work: 8 such slots, a wrong password well under §8's 2 s
  // even on a loaded 2-core machine (2^22 took 1.2–2.7 s there).
  scrypt: { maxN: 2 ** 20, maxR: 16, maxP: 16, maxMemBytes: 128 * MiB, maxWork: 2 ** 21 },
  pbkdf2: { maxIterations: 10_000_000 },
} as const;

export interface ScryptParams {
  readonly n: number;
  readonly r: number;
  readonly p: number;
}

export interface Argon2idParams {
  readonly ops: number;
  readonly memBytes: number;
}

export function assertArgon2idBox(ops: unknown, memBytes: unknown): asserts ops is number {
  const box = KDF_BOX.argon2id;
  const ok =
    Number.isSafeInteger(ops) &&
    Number.isSafeInteger(memBytes) &&
    (ops as number) >= 1 &&
    (ops as number) <= box.maxOps &&
    (memBytes as number) >= box.minMemBytes &&
    (memBytes as number) <= box.maxMemBytes &&
    (ops as number) * (memBytes as number) <= box.maxWork;
  if (!ok) throw outOfBox(`Argon2id ${String(ops)} passes, ${String(memBytes)} bytes`);
}

/** Every run in the box, and memory × passes summed over the file's runs within the one box. */
export function assertArgon2idPlan(runs: readonly Argon2idParams[]): void {
  let work = 0;
  for (const run of runs) {
    assertArgon2idBox(run.ops, run.memBytes);
    work += run.ops * run.memBytes;
  }
  if (work > KDF_BOX.argon2id.maxWork) throw outOfBox(`${String(runs.length)} Argon2id derivations costing ${String(Math.round(work / MiB))} MiB·passes together`);
}

export function assertScryptBox(n: unknown, r: unknown, p: unknown): void {
  const box = KDF_BOX.scrypt;
  const ok =
    Number.isSafeInteger(n) &&
    Number.isSafeInteger(r) &&
    Number.isSafeInteger(p) &&
    (n as number) >= 2 &&
    (n as number) <= box.maxN &&
    ((n as number) & ((n as number) - 1)) === 0 &&
    (r as number) >= 1 &&
    (r as number) <= box.maxR &&
    (p as number) >= 1 &&
    (p as number) <= box.maxP &&
    // Within the per-parameter box, also bound memory (128·N·r) and work (N·r·p): N=2^20 with r=16
    // would need 2 GiB.
    scryptMemBytes({ n: n as number, r: r as number }) <= box.maxMemBytes &&
    scryptWork({ n: n as number, r: r as number, p: p as number }) <= box.maxWork;
  if (!ok) throw outOfBox(`scrypt N=${String(n)} r=${String(r)} p=${String(p)}`);
}

/** Every run in the box, and N·r·p summed over the file's runs (Aegis: its password slots) within the one box. */
export function assertScryptPlan(runs: readonly ScryptParams[]): void {
  let work = 0;
  for (const run of runs) {
    assertScryptBox(run.n, run.r, run.p);
    work += scryptWork(run);
  }
  if (work > KDF_BOX.scrypt.maxWork) throw outOfBox(`${String(runs.length)} scrypt derivations costing 2^${Math.log2(work).toFixed(1)} together`);
}

export function assertPbkdf2Box(iterations: unknown): asserts iterations is number {
  if (!(Number.isSafeInteger(iterations) && (iterations as number) >= 1 && (iterations as number) <= KDF_BOX.pbkdf2.maxIterations)) {
    throw outOfBox(`PBKDF2 with ${String(iterations)} iterations`);
  }
}

/** Every run in the box, and the iterations summed over the file's runs within the one box. */
export function assertPbkdf2Plan(runs: readonly number[]): void {
  let work = 0;
  for (const iterations of runs) {
    assertPbkdf2Box(iterations);
    work += iterations;
  }
  if (work > KDF_BOX.pbkdf2.maxIterations) throw outOfBox(`${String(runs.length)} PBKDF2 derivations of ${String(work)} iterations together`);
}

export function scryptMemBytes(params: Pick<ScryptParams, 'n' | 'r'>): number {
  return 128 * params.n * params.r;
}

function scryptWork(params: ScryptParams): number {
  return params.n * params.r * params.p;
}

function outOfBox(what: string): ImportError {
  return new ImportError('KDF_PARAMS_OUT_OF_RANGE', `the export asks for ${what}: outside what any real export uses; refused before deriving`);
}
