import { join } from 'node:path';
import { REPO_ROOT } from '../../../test-support/facts.js';
import { startEmulatorProcess, type EmulatorProcess } from '../serve-process.js';

export type { EmulatorProcess } from '../serve-process.js';

const SERVE = join(REPO_ROOT, 'main', 'keys', 'emulators', 'serve.ts');

/**
 * `npm run emulate -- …` as a child process, for tests of what other programs see: serve.ts under
 * tsx's loader (what the npm script runs), one node process; see serve-process.ts for its lifetime.
 */
export function startEmulatorCli(args: readonly string[], readyTimeoutMs = 30_000): Promise<EmulatorProcess> {
  return startEmulatorProcess([process.execPath, '--import', 'tsx', SERVE], args, { cwd: REPO_ROOT, readyTimeoutMs });
}
