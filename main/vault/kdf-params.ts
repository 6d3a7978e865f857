import { VaultError } from './vault-error.js';

/** Argon2id cost: passes (opslimit) and memory in bytes. libsodium's Argon2id is single-lane. */
export interface KdfParams {
  readonly ops: number;
  readonly mem: number;
}

const MiB = 1024 * 1024;

export const KDF_FLOOR: KdfParams = { ops: 2, mem: 64 * MiB };
export const KDF_CEILING: KdfParams = { ops: 10, mem: 1024 * MiB };
/** SECURITY-NOTES §1: 256 MiB × 3 runs in ~0.65 s with native libsodium here. Wave 1 used 128 MiB × 3. */
export const KDF_DEFAULT: KdfParams = { ops: 3, mem: 256 * MiB };

/**
 * SECURITY-NOTES §1: the steps calibration may take from the default, cheapest first. Down from the
 * default: (3,192) → (3,128) → (2,128) → (3,64); up: (4,256) → (3,384) → (3,512).
 */
export const KDF_LADDER: readonly KdfParams[] = [
  { ops: 3, mem: 64 * MiB },
  { ops: 2, mem: 128 * MiB },
  { ops: 3, mem: 128 * MiB },
  { ops: 3, mem: 192 * MiB },
  KDF_DEFAULT,
  { ops: 4, mem: 256 * MiB },
  { ops: 3, mem: 384 * MiB },
  { ops: 3, mem: 512 * MiB },
];

/** One derivation slower than this steps down the ladder; faster than CALIBRATION_FAST_MS steps up. */
export const CALIBRATION_SLOW_MS = 1000;
export const CALIBRATION_FAST_MS = 400;

/**
 * Our own vault and backups stay inside floor and ceiling. Checked before any KDF runs, so a crafted
 * header can neither hang the app nor ask for gigabytes.
 */
export function assertKdfParamsInBox(params: KdfParams): void {
  const { ops, mem } = params;
  const inBox =
    Number.isSafeInteger(ops) &&
    Number.isSafeInteger(mem) &&
    ops >= KDF_FLOOR.ops &&
    ops <= KDF_CEILING.ops &&
    mem >= KDF_FLOOR.mem &&
    mem <= KDF_CEILING.mem &&
    mem % 1024 === 0;
  if (!inBox) {
    throw new VaultError(
      'KDF_PARAMS_OUT_OF_RANGE',
      `key-derivation parameters (${String(ops)} passes, ${String(mem)} bytes) are outside the allowed box of 2-10 passes and 64 MiB-1 GiB`,
      { ops, mem },
    );
  }
}

export function describeKdf(params: KdfParams): string {
  return `Argon2id, ${String(params.ops)} passes, ${String(params.mem / MiB)} MiB`;
}
