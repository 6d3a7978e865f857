import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { makeTempHome, spawnCli } from './test-support/spawn-cli.js';

/** The vault flows as a user types them, on the real binary, with a throwaway home. */
const home = makeTempHome();
const passwordFile = join(home, 'password.txt');
const vaultFile = join(home, 'latchkey', 'vault.sqlite');
const run = (args: string[], env: Record<string, string> = {}) => spawnCli(args, { home, env });
const withPassword = (args: string[]) => run([...args, '--password-file', passwordFile]);
const hash = () => createHash('sha256').update(readFileSync(vaultFile)).digest('hex');
const SECRET = 'JBSWY3DPEHPK3PXP';

beforeAll(async () => {
  writeFileSync(passwordFile, 'a long vault password\r\n');
  const init = await withPassword(['init', '--kdf', '2,64']);
  expect(init.stderr).toBe('');
  expect(init.stdout).toMatch(/Recovery key/);
});

describe('latchkey vault flows', () => {
  it('add --uri - reads the link from standard input', async () => {
    const added = await spawnCli(['add', '--uri', '-', '--password-file', passwordFile, '--json'], { home, stdin: 'otpauth://totp/Stdin:carol?secret=KRSXG5CTMVRXEZLU&issuer=Stdin\n' });
    expect(JSON.parse(added.stdout)).toMatchObject({ issuer: 'Stdin', label: 'carol' });
    const id = (JSON.parse(added.stdout) as { id: string }).id;
    expect((await withPassword(['remove', id, '--yes'])).code).toBe(0);
  });

  it('adds, lists and prints codes', async () => {
    expect((await withPassword(['add', '--uri', `otpauth://totp/GitHub:alice?secret=${SECRET}&issuer=GitHub`, '--tag', 'work'])).stdout).toBe('Added GitHub (alice).\n');
    const added = await withPassword(['add', '--secret', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '--type', 'hotp', '--issuer', 'Bank', '--label', 'bob', '--json']);
    expect(JSON.parse(added.stdout)).toMatchObject({ type: 'hotp', issuer: 'Bank', label: 'bob', counter: 0, tags: [] });
    const list = JSON.parse((await withPassword(['list', '--json'])).stdout) as { issuer: string; tags: string[] }[];
    expect(list.map((a) => a.issuer)).toEqual(['GitHub', 'Bank']);
    expect(list[0]?.tags).toEqual(['work']);
    expect((await withPassword(['code', 'github'])).stdout).toMatch(/^\d{6}\n$/);
  });

  it('advances HOTP on each code, and --peek does not', async () => {
    expect((await withPassword(['code', 'bank', '--peek'])).stdout).toBe('755224\n');
    expect((await withPassword(['code', 'bank'])).stdout).toBe('755224\n');
    expect((await withPassword(['code', 'bank'])).stdout).toBe('287082\n');
  });

  it('stores recovery codes and shows them on request', async () => {
    const codesFile = join(home, 'codes.txt');
    writeFileSync(codesFile, '# from the site\nabcd-1234\nefgh-5678\n');
    await withPassword(['add', '--secret', 'MFRGGZDFMZTWQ2LK', '--issuer', 'Mail', '--label', 'me', '--recovery-codes', codesFile]);
    expect((await withPassword(['code', 'mail', '--recovery-codes'])).stdout).toBe('abcd-1234\nefgh-5678\n');
  });

  it('a query matching several accounts exits AMBIGUOUS with all of them', async () => {
    const result = await withPassword(['code', 'e', '--json']);
    expect(result.code).toBe(EXIT_CODES.AMBIGUOUS);
    expect((JSON.parse(result.stdout) as unknown[]).length).toBeGreaterThan(1);
  });

  it('a wrong password: one clear line, exit 10, the vault file unchanged', async () => {
    const wrong = join(home, 'wrong.txt');
    writeFileSync(wrong, 'not the password\n');
    const before = hash();
    const result = await run(['list', '--password-file', wrong]);
    expect(result).toMatchObject({ code: EXIT_CODES.VAULT_WRONG_PASSWORD, stdout: '', stderr: 'latchkey: VAULT_WRONG_PASSWORD: wrong password\n' });
    expect(hash()).toBe(before);
    // The attempt counter lives beside the vault; a right password clears it.
    expect((await withPassword(['list'])).code).toBe(0);
  });

  it('LATCHKEY_PASSWORD_FILE and --password-command are sources too; no source and no terminal is a usage error', async () => {
    expect((await run(['list'], { LATCHKEY_PASSWORD_FILE: passwordFile })).code).toBe(0);
    expect((await run(['list', '--password-command', `cat '${passwordFile}'`])).code).toBe(0);
    const none = await run(['list']);
    expect(none.code).toBe(EXIT_CODES.USAGE);
    expect(none.stderr).toMatch(/^latchkey: USAGE: no vault password/);
  });

  it('a damaged vault: one clear line, nothing written', async () => {
    const damaged = join(home, 'damaged.sqlite');
    writeFileSync(damaged, readFileSync(vaultFile).subarray(0, 4096));
    const before = readFileSync(damaged);
    const result = await withPassword(['list', '--vault', damaged]);
    expect(result.code).toBe(EXIT_CODES.VAULT_CORRUPT);
    expect(result.stderr).toMatch(/^latchkey: VAULT_CORRUPT: [^\n]+damaged\.sqlite\n$/);
    expect(readFileSync(damaged).equals(before)).toBe(true);
    const missing = await withPassword(['list', '--vault', join(home, 'nowhere.sqlite')]);
    expect(missing.code).toBe(EXIT_CODES.VAULT_NOT_FOUND);
  });

  it('verifies, lists slots, changes the password, and removes with --yes', async () => {
    expect((await withPassword(['vault', 'verify'])).stdout).toMatch(/accounts checked; manifest ok/);
    expect((await withPassword(['vault', 'slots'])).stdout).toMatch(/password[\s\S]*recovery/);
    const fresh = join(home, 'new-password.txt');
    writeFileSync(fresh, 'an even longer new password\n');
    expect((await withPassword(['vault', 'passwd', '--new-password-file', fresh])).code).toBe(0);
    expect((await withPassword(['list'])).code).toBe(EXIT_CODES.VAULT_WRONG_PASSWORD);
    writeFileSync(passwordFile, 'an even longer new password\n');
    expect((await withPassword(['remove', 'mail'])).code).toBe(EXIT_CODES.USAGE);
    expect((await withPassword(['remove', 'mail', '--yes'])).stdout).toBe('Removed Mail (me).\n');
  });

  it('refuses init over an existing vault', async () => {
    const result = await withPassword(['init', '--kdf', '2,64']);
    expect(result.code).toBe(EXIT_CODES.VAULT_EXISTS);
  });
});
