import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test-support/facts.js';
import { makeTempHome } from './test-support/spawn-cli.js';

/**
 * `latchkey --help | head -5`: the reader closes the pipe before the command has written everything.
 * The command drops the rest and exits with its own code, with nothing on stderr (it used to die
 * with Node's "Unhandled 'error' event" and an EPIPE stack trace).
 */
function runIntoClosedPipe(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const home = makeTempHome();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'latchkey.js'), ...args], {
      cwd: home,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, LATCHKEY_HOME: join(home, 'latchkey') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reading end goes away before node has even started: the first write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => { resolve({ code, stderr }); });
  });
}

describe('standard output closed by its reader', () => {
  it.each([
    [['--help']],
    [['keys', 'sync', '--help']],
    [['uri', 'parse', 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP', '--json']],
  ])('latchkey %j exits 0 without a word on stderr', async (args) => {
    expect(await runIntoClosedPipe(args)).toEqual({ code: 0, stderr: '' });
  });

  it('a failing command still exits with its own code and says why on stderr', async () => {
    expect(await runIntoClosedPipe(['uri', 'parse', 'https://example.com'])).toEqual({ code: 20, stderr: 'latchkey: URI_BAD_SCHEME: not an otpauth:// URI\n' });
  });
});
