import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../shared/errors.js';
import { argon2idInWorker, IMPORT_KDF_TIMEOUT_MS } from './kdf-worker.js';

const MiB = 1024 * 1024;

describe('argon2idInWorker', () => {
  it('derives a 32-byte key well inside its timeout', async () => {
    const { key } = await argon2idInWorker(new TextEncoder().encode('pw'), new Uint8Array(16), { ops: 1, mem: 8 * 1024 }, { timeoutMs: 30_000 });
    expect(key).toHaveLength(32);
    expect(IMPORT_KDF_TIMEOUT_MS).toBe(60_000);
  });

  it('ends the worker past its timeout and says so with KDF_PARAMS_OUT_OF_RANGE', { timeout: 30_000 }, async () => {
    // 64 passes over 64 MiB: seconds of work, stopped after 300 ms.
    const started = performance.now();
    const error = await argon2idInWorker(new TextEncoder().encode('pw'), new Uint8Array(16), { ops: 64, mem: 64 * MiB }, { timeoutMs: 300 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(LatchkeyError);
    expect((error as LatchkeyError).code).toBe('KDF_PARAMS_OUT_OF_RANGE');
    expect((error as LatchkeyError).message).toContain('ran past');
    // The worker was ended, not waited for (the whole derivation takes several seconds here).
    expect(elapsed).toBeLessThan(3000);
    console.info(`argon2idInWorker 64 × 64 MiB stopped after ${elapsed.toFixed(0)} ms (timeout 300 ms)`);
  });
});
