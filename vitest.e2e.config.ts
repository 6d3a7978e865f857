import { defineConfig } from 'vitest/config';

/** `npm run e2e`: the real renderer in Debian's Chromium over the real service. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
    globalSetup: ['./scripts/vitest-global-setup.ts', './e2e/build-renderer.ts'],
  },
});
