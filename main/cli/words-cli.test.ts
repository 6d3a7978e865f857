import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { plural } from './output.js';
import { buildProgram } from './program.js';
import { inProcessCli } from './test-support/in-process.js';

const cli = inProcessCli();
const passwordFile = join(cli.home, 'password.txt');
const backupPasswordFile = join(cli.home, 'backup-password.txt');
const vault = (args: string[], stdin?: string) => cli.run([...args, '--password-file', passwordFile], stdin === undefined ? {} : { stdin });

beforeAll(async () => {
  writeFileSync(passwordFile, 'words test vault passphrase, long enough\n');
  writeFileSync(backupPasswordFile, 'words test backup passphrase, long enough\n');
  expect((await vault(['init', '--kdf', '2,64'])).code).toBe(0);
  expect((await vault(['add', '--secret', '-', '--issuer', 'Solo', '--label', 'one'], 'JBSWY3DPEHPK3PXP\n')).code).toBe(0);
});

describe('plural', () => {
  it('says one account, and any other number of accounts', () => {
    expect(plural(1, 'account')).toBe('1 account');
    expect([0, 2, 12].map((n) => plural(n, 'account'))).toEqual(['0 accounts', '2 accounts', '12 accounts']);
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });
});

describe('counts of one', () => {
  it('backup create, restore and export say "1 account"', async () => {
    const file = join(cli.home, 'one.lkbak');
    const created = await vault(['backup', 'create', file, '--backup-password-file', backupPasswordFile]);
    expect(created.stdout).toMatch(/^Wrote 1 account to /);
    expect((await vault(['remove', 'solo', '--yes'])).code).toBe(0);
    const restored = await vault(['backup', 'restore', file, '--backup-password-file', backupPasswordFile]);
    expect(restored.stdout).toBe('Restored 1 account.\n');
    const exported = await vault(['export', join(cli.home, 'one.txt'), '--i-understand-this-is-plaintext']);
    expect(exported.stdout).toMatch(/^Exported 1 account to /);
  });
});

describe('help and messages', () => {
  const commandsOf = (command: Command, path: string[] = []): string[][] =>
    command.commands.flatMap((sub) => (sub.commands.length === 0 ? [[...path, sub.name()]] : commandsOf(sub, [...path, sub.name()])));
  const leaves = commandsOf(buildProgram({ io: { writeOut: () => undefined, writeErr: () => undefined, readStdin: () => Promise.resolve(''), env: {}, interactive: false, prompt: () => Promise.resolve('') }, connect: () => { throw new Error('not here'); } }));

  it('every command opens its --help with a description', async () => {
    expect(leaves).toContainEqual(['add']);
    for (const path of leaves) {
      const { stdout } = await cli.run([...path, '--help']);
      const [usage, blank, description] = stdout.split('\n');
      expect(usage, path.join(' ')).toMatch(/^Usage: latchkey /);
      expect(blank).toBe('');
      expect(description, `${path.join(' ')} --help has no description`).toMatch(/^[A-Z]/);
    }
  });

  it('no option says its default twice', async () => {
    for (const path of leaves) expect((await cli.run([...path, '--help'])).stdout, path.join(' ')).not.toMatch(/\(default\)\s*\(default/);
  });

  it('the plaintext refusal reads as a sentence for every format', async () => {
    for (const format of ['otpauth-list', 'aegis', 'html']) {
      const { stderr } = await cli.run(['export', join(cli.home, 'x'), '--format', format]);
      expect(stderr).not.toMatch(/\ba [aeiou]/);
      expect(stderr).toContain('--i-understand-this-is-plaintext');
    }
  });
});
