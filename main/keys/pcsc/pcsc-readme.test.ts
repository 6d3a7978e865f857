import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-support/facts.js';
import { pcscServiceUnavailable, pcscSupportMissing, readerInUse } from './pcsc-errors.js';

/** The README's PC/SC set-up gives the same packages and commands as the errors print. */
describe('README on PC/SC', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const setUp = readme.slice(readme.indexOf('## Set up'), readme.indexOf('## The `latchkey` command'));

  it.each([
    ['the addon missing', pcscSupportMissing(new Error('x'), 'linux').message, ['libpcsclite-dev', 'npm rebuild smartcard']],
    ['pcscd not running', pcscServiceUnavailable('linux').message, ['pcscd', 'sudo systemctl start pcscd.socket']],
    ['a reader held by scdaemon', readerInUse('R', 'linux').message, ['scdaemon', 'gpgconf --kill scdaemon', 'disable-ccid']],
  ])('names the fix for %s', (_case, message, fixes) => {
    for (const fix of fixes) {
      expect(message).toContain(fix);
      expect(setUp).toContain(fix);
    }
  });
});
