import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test-support/facts.js';

/**
 * Issue 13, item 12: the password estimator's dictionaries (~0.4 s to load) are loaded only by a
 * command that sets a password. A module hook makes any import of zxcvbn-ts fail loudly.
 */
const NO_ZXCVBN = `data:text/javascript,import { register } from "node:module"; register(${JSON.stringify(
  'data:text/javascript,export async function resolve(s, c, n) { if (s.includes("zxcvbn")) throw new Error("zxcvbn loaded: " + s); return n(s, c); }',
)});`;

function run(args: string[], home: string, { hooked = true } = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...(hooked ? ['--import', NO_ZXCVBN] : []), join(REPO_ROOT, 'bin', 'latchkey.js'), ...args], { env: { PATH: process.env['PATH'] ?? '', LATCHKEY_HOME: home } }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stderr });
    });
  });
}

describe('the password estimator loads only when a password is set', () => {
  it('list, code and a wrong password never load it; init does', async () => {
    const home = mkdtempSync(join(tmpdir(), 'latchkey-lazy-'));
    const passwordFile = join(home, 'pw.txt');
    writeFileSync(passwordFile, 'correct horse battery staple 7\n');
    writeFileSync(join(home, 'wrong.txt'), 'not the vault password at all\n');
    expect((await run(['init', '--kdf', '2,64', '--password-file', passwordFile], home, { hooked: false })).code).toBe(0);
    expect(await run(['list', '--password-file', passwordFile], home)).toMatchObject({ code: 0 });
    expect(await run(['list', '--password-file', join(home, 'wrong.txt')], home)).toMatchObject({ code: 10 });
    expect(await run(['code', '--secret', 'JBSWY3DPEHPK3PXP'], home)).toMatchObject({ code: 0, stderr: '' });
    // The hook works: init judges the new password, so it tries to load the estimator.
    const other = mkdtempSync(join(tmpdir(), 'latchkey-lazy-'));
    expect((await run(['init', '--kdf', '2,64', '--password-file', passwordFile], other)).stderr).toContain('zxcvbn loaded');
  });
});
