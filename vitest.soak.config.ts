import { defineConfig } from 'vitest/config';

/** `npm run test:soak`: the long runs kept out of `npm test` (SECURITY-NOTES §9.2: 200+ kills). */
export default defineConfig({
  test: {
    include: ['main/vault/crash.test.ts'],
    pool: 'forks',
    testTimeout: 1_800_000,
    env: { LATCHKEY_CRASH_RUNS: '220' },
    reporters: ['default', './scripts/summary-reporter.ts'],
    globalSetup: ['./scripts/vitest-global-setup.ts'],
  },
});
