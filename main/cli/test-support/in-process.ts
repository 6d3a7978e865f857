import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../io.js';
import { runCli, type CliOptions } from '../run-cli.js';
import type { CliRun } from './spawn-cli.js';

/**
 * Runs the CLI in this process (no build needed) against a throwaway home, with no terminal: what
 * a script sees. `stdin` is what standard input holds.
 */
export function inProcessCli(home = mkdtempSync(join(tmpdir(), 'latchkey-home-'))) {
  const env = { HOME: home, XDG_DATA_HOME: join(home, '.local', 'share'), LATCHKEY_HOME: join(home, 'latchkey') };
  const run = async (args: readonly string[], options: CliOptions & { stdin?: string } = {}): Promise<CliRun> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      writeOut: (text) => {
        stdout += text;
      },
      writeErr: (text) => {
        stderr += text;
      },
      readStdin: () => Promise.resolve(options.stdin ?? ''),
      env,
      interactive: false,
      prompt: () => Promise.reject(new Error('no terminal in this test')),
    };
    const code = await runCli(args, io, options);
    return { code, stdout, stderr };
  };
  return { home, env, run };
}
