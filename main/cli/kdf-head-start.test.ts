import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headStartPlan } from './kdf-head-start.js';

const env = { LATCHKEY_HOME: '/home/u/.latchkey' };
const DEFAULT_VAULT = join('/home/u/.latchkey', 'vault.sqlite');

describe('which command lines get a KDF head start', () => {
  it.each([
    [['code', 'github', '--password-file', 'pw'], { vaultPath: DEFAULT_VAULT, passwordFile: 'pw' }],
    [['--vault', 'v.sqlite', 'code', 'github', '--password-file', 'pw'], { vaultPath: 'v.sqlite', passwordFile: 'pw' }],
    [['--password-file=pw', '--vault=v.sqlite', 'list', '--json'], { vaultPath: 'v.sqlite', passwordFile: 'pw' }],
    [['list', '--vault', 'code', '--password-file', 'pw'], { vaultPath: 'code', passwordFile: 'pw' }],
    [['code', 'bank', '--peek', '--password-file', 'pw'], { vaultPath: DEFAULT_VAULT, passwordFile: 'pw' }],
  ])('%j: %j', (argv, plan) => {
    expect(headStartPlan(argv, env)).toEqual(plan);
  });

  it('takes LATCHKEY_PASSWORD_FILE when no --password-file is given', () => {
    expect(headStartPlan(['code', 'github'], { ...env, LATCHKEY_PASSWORD_FILE: '/run/pw' })).toEqual({ vaultPath: DEFAULT_VAULT, passwordFile: '/run/pw' });
  });

  it.each([
    [['code', 'github']],
    [['code', 'github', '--password-file', '-']],
    [['code', '--secret', '-', '--password-file', 'pw']],
    [['code', '--uri=-', '--password-file', 'pw']],
    [['code', 'github', '--password-command', 'pass show latchkey', '--password-file', 'pw']],
    [['code', 'github', '--recovery-key-file', 'rk', '--password-file', 'pw']],
    [['code', '--help', '--password-file', 'pw']],
    [['add', '--uri', '-', '--password-file', 'pw']],
    [['--vault', 'code', 'remove', 'github', '--password-file', 'pw']],
    [['vault', 'verify', '--password-file', 'pw']],
    [['code', 'github', '--password-file']],
  ])('none for %j', (argv) => {
    expect(headStartPlan(argv, env)).toBeUndefined();
  });
});
