import { appendFileSync, chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { makeTempHome, spawnCli } from './test-support/spawn-cli.js';

const home = makeTempHome();
const passwordFile = join(home, 'password.txt');
const backupPasswordFile = join(home, 'backup-password.txt');
const backupFile = join(home, 'vault.lkbak');
const run = (args: string[]) => spawnCli(args, { home });
const vault = (args: string[]) => run([...args, '--password-file', passwordFile]);

beforeAll(async () => {
  writeFileSync(passwordFile, 'backup cli vault password\n');
  writeFileSync(backupPasswordFile, 'backup cli backup password\n');
  expect((await vault(['init', '--kdf', '2,64'])).code).toBe(0);
  expect((await vault(['import', join(REPO_ROOT, 'main/formats/otpauth-list/fixtures/golden.txt'), '--yes'])).code).toBe(0);
});

describe('latchkey backup', () => {
  it('creates, verifies and restores', async () => {
    const created = await vault(['backup', 'create', backupFile, '--backup-password-file', backupPasswordFile]);
    expect(created.stdout).toMatch(/^Wrote 12 accounts to /);
    const verified = await vault(['backup', 'verify', backupFile, '--backup-password-file', backupPasswordFile, '--json']);
    expect(JSON.parse(verified.stdout)).toMatchObject({ backupAccounts: 12, vaultAccounts: 12, matching: 12 });

    expect((await vault(['remove', 'user5', '--yes'])).code).toBe(0);
    const differs = await vault(['backup', 'verify', backupFile, '--backup-password-file', backupPasswordFile]);
    expect(differs.code).toBe(EXIT_CODES.VAULT_INTEGRITY);
    expect(differs.stdout).toContain('only in the backup: GitHub (user5@example.com)');

    const restored = await vault(['backup', 'restore', backupFile, '--backup-password-file', backupPasswordFile]);
    expect(restored.stdout).toBe('Restored 1 account.\n');
    expect((await vault(['backup', 'restore', backupFile, '--replace', '--backup-password-file', backupPasswordFile])).code).toBe(EXIT_CODES.USAGE);
    expect((await vault(['backup', 'restore', backupFile, '--replace', '--yes', '--backup-password-file', backupPasswordFile])).stdout).toBe('Restored 12 accounts (replacing 12).\n');
  });

  it('a wrong backup password and a damaged backup: one line each, nothing written', async () => {
    const wrong = join(home, 'wrong.txt');
    writeFileSync(wrong, 'not it\n');
    const result = await vault(['backup', 'restore', backupFile, '--backup-password-file', wrong]);
    expect(result).toMatchObject({ code: EXIT_CODES.BACKUP_WRONG_PASSWORD, stderr: 'latchkey: BACKUP_WRONG_PASSWORD: wrong backup password\n' });
    const damaged = join(home, 'damaged.lkbak');
    writeFileSync(damaged, readFileSync(backupFile));
    appendFileSync(damaged, 'xx');
    expect((await vault(['backup', 'restore', damaged, '--backup-password-file', backupPasswordFile])).code).toBe(EXIT_CODES.BACKUP_TRAILING_DATA);
    expect(JSON.parse((await vault(['list', '--json'])).stdout)).toHaveLength(12);
  });
});

describe('latchkey export', () => {
  it('plaintext needs the explicit flag; then the file reads back', async () => {
    const target = join(home, 'accounts.txt');
    const refused = await vault(['export', target]);
    expect(refused.code).toBe(EXIT_CODES.USAGE);
    expect(refused.stderr).toMatch(/--i-understand-this-is-plaintext/);
    const done = await vault(['export', target, '--i-understand-this-is-plaintext']);
    expect(done.stderr).toMatch(/in the clear; delete when done/);
    expect(readFileSync(target, 'utf8').trim().split('\n')).toHaveLength(12);
    const again = await vault(['import', target, '--dry-run', '--json']);
    expect((JSON.parse(again.stdout) as { accounts: unknown[] }).accounts).toHaveLength(12);
  });

  it('a plaintext export over an existing file is a new 0600 file, not the old file written through', async () => {
    const target = join(home, 'over-existing.txt');
    writeFileSync(target, 'old', { mode: 0o644 });
    chmodSync(target, 0o644);
    expect((await vault(['export', target, '--i-understand-this-is-plaintext'])).code).toBe(0);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readFileSync(target, 'utf8')).toMatch(/^otpauth:/);
  });

  it('a plaintext export re-authenticates with the password the unlock read: read once, even from a command', async () => {
    const reads = join(home, 'password-reads.txt');
    const target = join(home, 'reauth.json');
    const done = await run(['export', target, '--format', 'aegis', '--i-understand-this-is-plaintext', '--password-command', `echo read >> '${reads}'; cat '${passwordFile}'`]);
    expect(done.code).toBe(0);
    expect(readFileSync(reads, 'utf8')).toBe('read\n');
    expect((JSON.parse(readFileSync(target, 'utf8')) as { db: { entries: unknown[] } }).db.entries).toHaveLength(12);
  });

  it('a transfer block on stdout, for chosen accounts, imports back with its password', async () => {
    const transferPassword = join(home, 'transfer.txt');
    writeFileSync(transferPassword, 'transfer block password\n');
    const block = await vault(['export', '-', 'user1', '--format', 'transfer', '--transfer-password-file', transferPassword]);
    expect(block.stdout).toMatch(/^LKX1-/);
    const blockFile = join(home, 'block.txt');
    writeFileSync(blockFile, block.stdout);
    const preview = await vault(['import', blockFile, '--import-password-file', transferPassword, '--dry-run', '--json']);
    const accounts = (JSON.parse(preview.stdout) as { accounts: { label: string; duplicate: boolean }[] }).accounts;
    expect(accounts.map((a) => [a.label, a.duplicate])).toEqual([
      ['user1@example.com', true],
      ['user10@example.com', true],
      ['user11@example.com', true],
    ]);
  });
});
