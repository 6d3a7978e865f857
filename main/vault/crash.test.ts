import { describe, expect, it } from 'vitest';
import { createVault } from './create-vault.js';
import { assertCommitsIntact, buildCrashChild, crashOnce, newCrashState } from './test-support/crash-harness.js';
import { memoisedKdf, tempVaultPath, testRuntime } from './test-support/test-runtime.js';

/** SECURITY-NOTES §9.2 in `npm test`: 50 SIGKILLs of a writer; `npm run test:soak` runs 200+. */
export const CRASH_RUNS = Number(process.env['LATCHKEY_CRASH_RUNS'] ?? 50);

describe('crash consistency', () => {
  it(`keeps every reported commit across ${String(CRASH_RUNS)} kills at random moments`, async () => {
    const kdf = memoisedKdf();
    const runtime = await testRuntime({ deriveKey: kdf });
    const script = await buildCrashChild();
    const path = tempVaultPath();
    const state = newCrashState('crash test password');
    await createVault(path, state.password, runtime);
    let midRun = 0;
    for (let run = 0; run < CRASH_RUNS; run++) {
      // Mostly kills while writing (timed from the first commit); one in ten right after unlocking.
      const early = run % 10 === 0;
      const killAfterMs = early ? 1 + (run % 7) : 5 + ((run * 7919) % 400);
      const result = await crashOnce({ script, kdfCache: kdf.exportCache() }, path, state, killAfterMs, run + 1, early ? 'ready' : 'first-commit');
      if (result.midRun) midRun++;
      await assertCommitsIntact(path, state, runtime);
    }
    expect(midRun).toBeGreaterThan(CRASH_RUNS * 0.8);
    expect(state.accounts.size).toBeGreaterThan(CRASH_RUNS);
  }, 600_000);
});
