import { CALIBRATION_FAST_MS, CALIBRATION_SLOW_MS, KDF_DEFAULT, KDF_LADDER, type KdfParams } from './kdf-params.js';
import type { DerivedKey } from './kdf-worker.js';

export interface Calibrated {
  readonly params: KdfParams;
  /** The key derived at the chosen parameters: calibration's last run is the real derivation. */
  readonly key: Uint8Array;
  readonly ms: number;
}

/**
 * SECURITY-NOTES §1's one rule: start at the default (256 MiB × 3); while a derivation takes over 1 s
 * step down the ladder, while under 0.4 s step up; never reverse, never leave the ladder (which sits
 * inside floor and ceiling). The time judged is the KDF's own (no worker start-up), so the choice
 * does not depend on how the derivation was started; see calibrationMs for other programs' load.
 */
export async function calibrate(derive: (params: KdfParams) => Promise<DerivedKey>): Promise<Calibrated> {
  let index = KDF_LADDER.indexOf(KDF_DEFAULT);
  let direction: -1 | 0 | 1 = 0;
  for (;;) {
    const params = KDF_LADDER[index] ?? KDF_DEFAULT;
    const result = await derive(params);
    // Slow is judged net of other programs' load, fast on the clock: a busy moment does not weaken
    // the parameters, and a step up needs a derivation that was quick as the user would wait for it.
    const wanted: -1 | 0 | 1 = calibrationMs(result) > CALIBRATION_SLOW_MS ? -1 : result.ms < CALIBRATION_FAST_MS ? 1 : 0;
    const next = index + wanted;
    const canMove = wanted !== 0 && (direction === 0 || direction === wanted) && next >= 0 && next < KDF_LADDER.length;
    if (!canMove) return { params, key: result.key, ms: result.ms };
    result.key.fill(0);
    direction = wanted;
    index = next;
  }
}

/**
 * Whether a derivation is too slow is judged on its wall time, or on the CPU time the process spent
 * meanwhile when that is less. Argon2id is one busy thread, so wall time above CPU time is time spent
 * waiting for a core other programs held (a build, a test run): a busy moment must not weaken the
 * parameters for good. CPU time above wall time means other threads of ours ran too: wall time then.
 */
export function calibrationMs(result: Pick<DerivedKey, 'ms' | 'cpuMs'>): number {
  return result.cpuMs === undefined ? result.ms : Math.min(result.ms, result.cpuMs);
}
