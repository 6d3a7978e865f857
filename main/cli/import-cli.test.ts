import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { FORMAT_IDS } from '../formats/index.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { makeTempHome, spawnCli } from './test-support/spawn-cli.js';

const home = makeTempHome();
const passwordFile = join(home, 'password.txt');
const fixture = (path: string) => join(REPO_ROOT, 'main/formats', path);
const run = (args: string[]) => spawnCli(args, { home });

beforeAll(async () => {
  writeFileSync(passwordFile, 'import cli password\n');
  expect((await run(['init', '--kdf', '2,64', '--password-file', passwordFile])).code).toBe(0);
});

describe('latchkey import', () => {
  it('--dry-run previews with no vault password and writes nothing', async () => {
    const result = await run(['import', fixture('otpauth-list/fixtures/golden-crlf-with-bad-line.txt'), '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { accounts: unknown[]; invalid: { field: string }[] };
    expect(output.accounts).toHaveLength(4);
    expect(output.invalid.map((entry) => entry.field)).toEqual(['URI_BAD_SECRET', 'URI_BAD_SCHEME']);
  });

  it('asks for confirmation: without a terminal, --yes is needed', async () => {
    const result = await run(['import', fixture('otpauth-list/fixtures/golden.txt'), '--password-file', passwordFile]);
    expect(result.code).toBe(EXIT_CODES.USAGE);
    expect(result.stderr).toMatch(/add --yes/);
    expect(JSON.parse((await run(['list', '--json', '--password-file', passwordFile])).stdout)).toEqual([]);
  });

  it('imports with --yes, then skips the duplicates', async () => {
    const first = await run(['import', fixture('otpauth-list/fixtures/golden.txt'), '--password-file', passwordFile, '--yes']);
    expect(first.stdout).toMatch(/Imported 12 accounts\.\n$/);
    const again = await run(['import', fixture('google-migration/fixtures/golden.txt'), '--password-file', passwordFile, '--yes']);
    expect(again.stdout).toMatch(/already in the vault: skipped[\s\S]*Imported 0 accounts\.\n$/);
  });

  it("--format's help names every import format, and andOTP's headerless layout is found without it when a password is given", async () => {
    const help = await run(['import', '--help']);
    for (const id of FORMAT_IDS) expect(help.stdout).toContain(id);
    const andotpPassword = join(home, 'andotp-password.txt');
    writeFileSync(andotpPassword, 'Latchkey andOTP tëst ✓\n');
    const old = await run(['import', fixture('andotp/fixtures/golden-old.json.aes'), '--import-password-file', andotpPassword, '--dry-run', '--json']);
    expect(old.code).toBe(0);
    expect((JSON.parse(old.stdout) as { accounts: unknown[] }).accounts).toHaveLength(12);
  });

  it('--dry-run marks the duplicates the real import would skip, with any password source; without one it says it could not check', async () => {
    const file = fixture('google-migration/fixtures/golden.txt');
    interface Preview { accounts: { duplicate: boolean }[]; warnings: string[]; duplicatesChecked: boolean }
    const duplicates = (stdout: string) => (JSON.parse(stdout) as Preview).accounts.filter((a) => a.duplicate).length;
    const viaEnv = await spawnCli(['import', file, '--dry-run', '--json'], { home, env: { LATCHKEY_PASSWORD_FILE: passwordFile } });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stderr).not.toMatch(/not checked/);
    expect(duplicates(viaEnv.stdout)).toBe(12);
    expect((JSON.parse(viaEnv.stdout) as Preview).duplicatesChecked).toBe(true);
    expect(duplicates((await run(['import', file, '--dry-run', '--json', '--password-command', `cat '${passwordFile}'`])).stdout)).toBe(12);

    const unchecked = await run(['import', file, '--dry-run', '--json']);
    expect(unchecked.code).toBe(0);
    expect(JSON.parse(unchecked.stdout)).toMatchObject({ duplicatesChecked: false, warnings: expect.arrayContaining([expect.stringMatching(/^duplicates were not checked/)]) as unknown });
    expect(unchecked.stderr).toMatch(/^latchkey: warning: duplicates were not checked against the vault: give the vault password/m);
    const text = await run(['import', file, '--dry-run']);
    expect(text.stderr).toMatch(/duplicates were not checked/);

    const noVault = await spawnCli(['import', file, '--dry-run', '--json', '--password-file', passwordFile, '--vault', join(home, 'none.sqlite')], { home });
    expect(noVault.code).toBe(0);
    expect(JSON.parse(noVault.stdout)).toMatchObject({ duplicatesChecked: false });
    expect(noVault.stderr).toMatch(/duplicates were not checked: there is no vault at \S+none\.sqlite/);
  });

  it('unknown formats and empty files: one line each, their codes', async () => {
    const junk = join(home, 'junk.json');
    writeFileSync(junk, '{"hello": "world"}');
    const unknown = await run(['import', junk, '--dry-run']);
    expect(unknown.code).toBe(EXIT_CODES.IMPORT_UNKNOWN_FORMAT);
    expect(unknown.stderr).toMatch(/^latchkey: IMPORT_UNKNOWN_FORMAT: [^\n]*otpauth-list[^\n]*\n$/);
    const empty = join(home, 'empty.txt');
    writeFileSync(empty, '');
    expect((await run(['import', empty, '--dry-run'])).code).toBe(EXIT_CODES.IMPORT_EMPTY);
  });
});

describe('every format through the CLI', () => {
  const plain = [
    'aegis/fixtures/plain-v3.json',
    'two-fas/fixtures/plain-v4.2fas',
    'andotp/fixtures/golden.json',
    'bitwarden/fixtures/golden.json',
    'bitwarden/fixtures/golden.csv',
    'freeotp-plus/fixtures/golden.json',
    'ente/fixtures/plain-golden.txt',
    'google-migration/fixtures/golden.txt',
    'otpauth-list/fixtures/golden.txt',
  ];

  it('previews each format’s golden export (detected, not told)', async () => {
    const result = await run(['import', ...plain.map(fixture), '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const { accounts } = JSON.parse(result.stdout) as { accounts: { source: string; label: string }[] };
    for (const file of plain) {
      const fromFile = accounts.filter((account) => account.source === fixture(file));
      expect(fromFile.length, file).toBeGreaterThanOrEqual(4);
      expect(fromFile.every((account) => /^user\d+@example\.com$/.test(account.label)), file).toBe(true);
    }
  });

  it('an encrypted export with its password file, and a transfer block on stdin', async () => {
    const aegisPassword = join(home, 'aegis-password.txt');
    writeFileSync(aegisPassword, 'aegis-fixture-password\n');
    const aegis = await run(['import', fixture('aegis/fixtures/encrypted-small.json'), '--import-password-file', aegisPassword, '--dry-run', '--json']);
    expect((JSON.parse(aegis.stdout) as { accounts: unknown[] }).accounts.length).toBeGreaterThan(0);
    const wrong = await run(['import', fixture('aegis/fixtures/encrypted-small.json'), '--import-password-file', passwordFile, '--dry-run']);
    expect(wrong.code).toBe(EXIT_CODES.IMPORT_WRONG_PASSWORD);

    const transferPassword = join(home, 'transfer.txt');
    writeFileSync(transferPassword, 'a transfer password\n');
    const block = await run(['export', '-', '--format', 'transfer', '--transfer-password-file', transferPassword, '--password-file', passwordFile]);
    const pasted = await spawnCli(['import', '-', '--import-password-file', transferPassword, '--dry-run', '--json'], { home, stdin: block.stdout });
    expect((JSON.parse(pasted.stdout) as { accounts: { duplicate: boolean }[] }).accounts.length).toBeGreaterThan(0);
  });
});
