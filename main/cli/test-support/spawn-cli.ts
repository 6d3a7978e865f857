import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test-support/facts.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A throwaway home: HOME, XDG folders and LATCHKEY_HOME all point inside it. */
export function makeTempHome(): string {
  return mkdtempSync(join(tmpdir(), 'latchkey-home-'));
}

/** Runs the real `bin/latchkey.js` as a user would, in its own process. */
export function spawnCli(args: readonly string[], options: { home: string; stdin?: string; env?: Record<string, string> }): Promise<CliRun> {
  const { home } = options;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'latchkey.js'), ...args],
      {
        cwd: home,
        encoding: 'utf8',
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: home,
          XDG_DATA_HOME: join(home, '.local', 'share'),
          XDG_CONFIG_HOME: join(home, '.config'),
          LATCHKEY_HOME: join(home, 'latchkey'),
          ...options.env,
        },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.stdin ?? '');
  });
}
