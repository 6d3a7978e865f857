import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { RECOVERY_WARNING } from './context.js';
import { runCli } from './run-cli.js';
import { scriptedIo } from './test-support/scripted-io.js';

/** Issue 13, items 1, 11 and 12 on the CLI, in-process with a scripted terminal. */
const PASSWORD = 'correct horse battery staple 7';
const NEW_PASSWORD = 'a different long passphrase';
const LINK = 'otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub';

async function freshVault() {
  const home = mkdtempSync(join(tmpdir(), 'latchkey-recovery-'));
  const env = { LATCHKEY_HOME: home };
  const file = (name: string, text: string) => {
    const path = join(home, name);
    writeFileSync(path, text);
    return path;
  };
  const passwordFile = file('password.txt', `${PASSWORD}\n`);
  const created = scriptedIo({ env });
  expect(await runCli(['init', '--kdf', '2,64', '--json', '--password-file', passwordFile], created.io)).toBe(0);
  const { recoveryKey } = JSON.parse(created.out()) as { recoveryKey: string };
  const added = scriptedIo({ env, stdin: `${LINK}\n` });
  expect(await runCli(['add', '--uri', '-', '--password-file', passwordFile], added.io)).toBe(0);
  return { home, env, file, passwordFile, recoveryKey, recoveryFile: file('recovery.txt', `${recoveryKey}\n`) };
}

async function run(args: string[], options: Parameters<typeof scriptedIo>[0]) {
  const io = scriptedIo(options);
  const code = await runCli(args, io.io);
  // Progress lines ("latchkey: Deriving the vault’s key…") are not what these tests look at.
  const err = io.err().split('\n').filter((line) => !/^latchkey: [^:]*…$/.test(line)).join('\n');
  return { code, out: io.out(), err, asked: io.asked, left: io.left() };
}

describe('the recovery key opens the vault from the CLI', () => {
  it('--recovery-key-file F (and "-") unlocks every command; a script is told to set a new password', async () => {
    const vault = await freshVault();
    const listed = await run(['list', '--json', '--recovery-key-file', vault.recoveryFile], { env: vault.env });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toMatchObject([{ issuer: 'GitHub', label: 'alice' }]);
    expect(listed.err).toBe(RECOVERY_WARNING);
    const coded = await run(['code', 'github', '--recovery-key-file', '-'], { env: vault.env, stdin: `${vault.recoveryKey.toLowerCase()}\n` });
    expect(coded.code).toBe(0);
    expect(coded.out).toMatch(/^\d{6}\n$/);
  });

  it('the file the app saves works as it is (the key is found among its lines)', async () => {
    const vault = await freshVault();
    const saved = vault.file('latchkey-recovery-key.txt', `Latchkey recovery key\n\n${vault.recoveryKey}\n\nThe only way into your vault if you forget its password. Keep it away from this computer.\n`);
    expect((await run(['list', '--recovery-key-file', saved], { env: vault.env })).code).toBe(0);
  });

  it('import --dry-run with --recovery-key-file marks duplicates', async () => {
    const vault = await freshVault();
    const list = vault.file('list.txt', `${LINK}\notpauth://totp/Other:bob?secret=KRSXG5CTMVRXEZLU&issuer=Other\n`);
    const result = await run(['import', list, '--dry-run', '--json', '--recovery-key-file', vault.recoveryFile], { env: vault.env });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.out) as { accounts: { issuer: string; duplicate: boolean }[] }).accounts.map((a) => [a.issuer, a.duplicate])).toEqual([
      ['GitHub', true],
      ['Other', false],
    ]);
  });

  it('a wrong or mistyped recovery key is refused in words', async () => {
    const vault = await freshVault();
    const typo = `${vault.recoveryKey.slice(0, -1)}${vault.recoveryKey.endsWith('A') ? 'B' : 'A'}`;
    const result = await run(['list', '--recovery-key-file', vault.file('typo.txt', typo)], { env: vault.env });
    expect(result.code).toBe(EXIT_CODES.VAULT_WRONG_PASSWORD);
    expect(result.err).toMatch(/^latchkey: VAULT_WRONG_PASSWORD: the recovery key has a typo/);
  });

  it('a password source and --recovery-key-file together are USAGE', async () => {
    const vault = await freshVault();
    const result = await run(['list', '--recovery-key-file', vault.recoveryFile, '--password-file', vault.passwordFile], { env: vault.env });
    expect(result.code).toBe(EXIT_CODES.USAGE);
  });

  it('commands that need the vault password again say so after a recovery unlock, in words', async () => {
    const vault = await freshVault();
    const result = await run(['export', '-', '--format', 'transfer', '--transfer-password-file', vault.file('t.txt', 'another fine transfer phrase\n'), '--recovery-key-file', vault.recoveryFile], { env: vault.env });
    expect(result.code).toBe(EXIT_CODES.USAGE);
    expect(result.err).toContain('needs the vault password again, and the vault was opened with the recovery key');
    expect(result.err).toContain('latchkey vault passwd --recovery-key-file');
  });

  it('vault passwd with the recovery key sets a new password without the old one', async () => {
    const vault = await freshVault();
    const changed = await run(['vault', 'passwd', '--recovery-key-file', vault.recoveryFile, '--new-password-file', vault.file('new.txt', `${NEW_PASSWORD}\n`)], { env: vault.env });
    expect(changed.code).toBe(0);
    expect(changed.out).toMatch(/^Password changed/);
    expect(changed.err).toContain('the recovery key you used still works');
    expect((await run(['list', '--password-file', vault.passwordFile], { env: vault.env })).code).toBe(EXIT_CODES.VAULT_WRONG_PASSWORD);
    expect((await run(['list', '--password-file', vault.file('n.txt', NEW_PASSWORD)], { env: vault.env })).code).toBe(0);
  });

  it('at a terminal: Enter at the password prompt asks for the recovery key, then offers a new password and a new key', async () => {
    const vault = await freshVault();
    const result = await run(['list'], {
      env: vault.env,
      answers: ['', vault.recoveryKey, 'y', 'password', NEW_PASSWORD, NEW_PASSWORD, '', ],
    });
    expect(result.code).toBe(0);
    expect(result.left).toBe(0);
    expect(result.asked).toEqual([
      'Vault password (or just Enter to use the recovery key): ',
      'Recovery key: ',
      'Set a new vault password now? [Y/n] ',
      'New vault password: ',
      'New vault password: ',
      'Repeat the new vault password: ',
      'Issue a new recovery key now? The one you typed stops working. [Y/n] ',
    ]);
    // The weak one was refused with the estimator's words and asked again.
    expect(result.err).toMatch(/that vault password is too easy to guess: This is a heavily used password/);
    const newKey = /New recovery key[^\n]*\n\n {4}(\S+)\n/.exec(result.err)?.[1] ?? '';
    expect(newKey).toMatch(/^([A-Z2-7]{4}-){13}[A-Z2-7]{4}$/);
    expect(result.out).toContain('GitHub');
    // The old password and the old key no longer open it; the new ones do.
    expect((await run(['list', '--recovery-key-file', vault.recoveryFile], { env: vault.env })).code).toBe(EXIT_CODES.VAULT_WRONG_PASSWORD);
    expect((await run(['list', '--recovery-key-file', vault.file('k.txt', newKey)], { env: vault.env })).code).toBe(0);
    expect((await run(['list', '--password-file', vault.file('n.txt', NEW_PASSWORD)], { env: vault.env })).code).toBe(0);
  });

  it('at a terminal, the password set after a recovery unlock is what re-authentication uses', async () => {
    const vault = await freshVault();
    const result = await run(['export', '-', '--format', 'transfer'], {
      env: vault.env,
      answers: ['', vault.recoveryKey, '', NEW_PASSWORD, NEW_PASSWORD, 'n', 'another fine transfer phrase', 'another fine transfer phrase'],
    });
    expect(result.err).not.toContain('needs the vault password');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/LATCHKEY|latchkey|[A-Za-z0-9+/=]{40}/);
    expect(result.asked.slice(-2)).toEqual(['Password for the transfer block: ', 'Repeat the transfer block password: ']);
  });
});

describe('passwords at a terminal', () => {
  it('a wrong vault password is asked again, up to three tries', async () => {
    const vault = await freshVault();
    const second = await run(['list'], { env: vault.env, answers: ['wrong password one', PASSWORD] });
    expect(second.code).toBe(0);
    expect(second.err).toBe('latchkey: wrong password; try again (2 left)\n');
    const never = await run(['list'], { env: vault.env, answers: ['wrong 1', 'wrong 2', 'wrong 3'] });
    expect(never.code).toBe(EXIT_CODES.VAULT_WRONG_PASSWORD);
    expect(never.asked).toHaveLength(3);
  });

  it('init refuses a weak password from a file with the estimator’s words, and re-asks at a terminal', async () => {
    const home = mkdtempSync(join(tmpdir(), 'latchkey-weak-'));
    const env = { LATCHKEY_HOME: home };
    writeFileSync(join(home, 'weak.txt'), 'password\n');
    const refused = await run(['init', '--kdf', '2,64', '--password-file', join(home, 'weak.txt')], { env });
    expect(refused.code).toBe(EXIT_CODES.PASSWORD_REJECTED);
    expect(refused.err).toMatch(/^latchkey: PASSWORD_REJECTED: the vault password is too easy to guess .*heavily used password/);
    const typed = await run(['init', '--kdf', '2,64'], { env, answers: ['abc', PASSWORD, PASSWORD] });
    expect(typed.code).toBe(0);
    expect(typed.asked).toEqual(['New vault password: ', 'New vault password: ', 'Repeat the new vault password: ']);
    expect(typed.err).toContain('at least 8 characters');
    expect(typed.out).toContain('press Enter at the password prompt, or give --recovery-key-file FILE');
  });

  it('backup and transfer passwords of three characters are PASSWORD_REJECTED', async () => {
    const vault = await freshVault();
    const weak = vault.file('weak.txt', 'abc\n');
    const backup = await run(['backup', 'create', join(vault.home, 'b.lkbak'), '--backup-password-file', weak, '--password-file', vault.passwordFile], { env: vault.env });
    expect(backup.code).toBe(EXIT_CODES.PASSWORD_REJECTED);
    const transfer = await run(['export', '-', '--format', 'transfer', '--transfer-password-file', weak, '--password-file', vault.passwordFile], { env: vault.env });
    expect(transfer.code).toBe(EXIT_CODES.PASSWORD_REJECTED);
    expect(transfer.err).toContain('the transfer password must have at least 8 characters');
  });
});

describe('the attempts sidecar (item 15)', () => {
  it('a directory there is the longest wait, in one line naming it: no stack trace', async () => {
    const vault = await freshVault();
    const sidecar = join(vault.home, 'vault.sqlite.attempts');
    mkdirSync(sidecar);
    const result = await run(['list', '--password-file', vault.passwordFile], { env: vault.env });
    expect(result.code).toBe(EXIT_CODES.VAULT_TOO_MANY_ATTEMPTS);
    expect(result.err.split('\n')).toEqual([expect.stringMatching(new RegExp(`^latchkey: VAULT_TOO_MANY_ATTEMPTS: .*${sidecar}.*300 s`)), '']);
  });
});

describe('"-" is standard input, once per command', () => {
  it('--password-file - reads the password from standard input', async () => {
    const vault = await freshVault();
    const result = await run(['list', '--password-file', '-'], { env: vault.env, stdin: `${PASSWORD}\n` });
    expect(result.code).toBe(0);
  });

  it('LATCHKEY_PASSWORD_FILE=- reads it from standard input too', async () => {
    const vault = await freshVault();
    const result = await run(['list'], { env: { ...vault.env, LATCHKEY_PASSWORD_FILE: '-' }, stdin: `${PASSWORD}\n` });
    expect(result.code).toBe(0);
  });

  it('two "-" in one command is USAGE', async () => {
    const vault = await freshVault();
    const result = await run(['add', '--uri', '-', '--password-file', '-'], { env: vault.env, stdin: `${PASSWORD}\n` });
    expect(result.code).toBe(EXIT_CODES.USAGE);
    expect(result.err).toContain('standard input can be read only once per command');
  });
});
