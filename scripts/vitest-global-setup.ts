import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * CLI acceptance tests spawn the real, compiled `latchkey`: build it once before any test runs.
 * Type errors are the type check's to report (`npm test` runs it first); tsc still emits, so the
 * build is not failed here for them.
 */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (build.status !== 0) process.stderr.write(`note: tsc reported type errors while building for the tests:\n${build.stdout.slice(0, 2000)}`);
  for (const script of ['scripts/copy-assets.mjs', 'scripts/build-preload.mjs']) {
    const step = spawnSync(process.execPath, [script], { stdio: 'inherit' });
    if (step.status !== 0) throw new Error(`${script} failed`);
  }
}
