import { closeSync, copyFileSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { makeTempHome, spawnCli, type CliRun } from './test-support/spawn-cli.js';

/** Issue 13, items 8, 10 and 14: add's names and duplicates, and sizes and fields in the user's words. */
const home = makeTempHome();
const passwordFile = join(home, 'password.txt');
const run = async (args: string[], stdin?: string) => withoutProgress(await spawnCli(args, { home, ...(stdin === undefined ? {} : { stdin }) }));
const withPassword = (args: string[], stdin?: string) => run([...args, '--password-file', passwordFile], stdin);
const SECRET = 'JBSWY3DPEHPK3PXP';

beforeAll(async () => {
  writeFileSync(passwordFile, 'a long vault password\n');
  expect((await withPassword(['init', '--kdf', '2,64'])).stderr).toBe('');
});

/** Progress lines ("latchkey: Deriving the vault’s key…") are not what these tests look at. */
function withoutProgress(result: CliRun): CliRun {
  return { ...result, stderr: result.stderr.replace(/^latchkey: (?!warning: )(?![A-Z_]+: ).*…\n/gm, '') };
}

/** A file of `size` bytes made of `line` repeated, written in pieces (not held whole in memory). */
function bigFile(name: string, line: string, size: number): string {
  const path = join(home, name);
  const chunk = Buffer.from(line.repeat(Math.ceil((1024 * 1024) / line.length)));
  const fd = openSync(path, 'w');
  for (let written = 0; written < size; written += chunk.length) writeSync(fd, chunk);
  closeSync(fd);
  return path;
}

describe('add', () => {
  it('--issuer and --label given with --uri replace the link’s', async () => {
    const uri = `otpauth://totp/Old:someone?secret=KRSXG5CTMVRXEZLU&issuer=Old`;
    const added = await withPassword(['add', '--uri', '-', '--issuer', 'New', '--label', 'me', '--json'], `${uri}\n`);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ issuer: 'New', label: 'me' });
    const issuerOnly = await withPassword(['add', '--uri', `otpauth://totp/Old:kept?secret=MFRGGZDFMZTWQ2LK&issuer=Old`, '--issuer', 'Renamed', '--json']);
    expect(JSON.parse(issuerOnly.stdout)).toMatchObject({ issuer: 'Renamed', label: 'kept' });
  });

  it('an exact duplicate (same secret and type) is refused with a clear error, unless --allow-duplicate', async () => {
    expect((await withPassword(['add', '--secret', SECRET, '--issuer', 'GitHub', '--label', 'alice'])).code).toBe(0);
    const again = await withPassword(['add', '--uri', `otpauth://totp/Other:bob?secret=${SECRET}`]);
    expect(again).toMatchObject({ code: EXIT_CODES.ACCOUNT_DUPLICATE, stdout: '' });
    expect(again.stderr).toBe('latchkey: ACCOUNT_DUPLICATE: an account with the same secret and type is already in the vault; add --allow-duplicate to add it anyway\n');
    const allowed = await withPassword(['add', '--secret', SECRET, '--issuer', 'GitHub', '--label', 'alice-again', '--allow-duplicate']);
    expect(allowed).toMatchObject({ code: 0, stdout: 'Added GitHub (alice-again).\n' });
    // The same secret as HOTP is another account.
    expect((await withPassword(['add', '--secret', SECRET, '--type', 'hotp', '--issuer', 'Bank'])).code).toBe(0);
  });

  it('no issuer and no label is ACCOUNT_INVALID{label}, from --secret and from --uri', async () => {
    const bare = await withPassword(['add', '--secret', 'ONSWG4TFOQ', '--json']);
    expect(bare.code).toBe(EXIT_CODES.ACCOUNT_INVALID);
    expect(JSON.parse(bare.stderr)).toMatchObject({ error: { code: 'ACCOUNT_INVALID', details: { field: 'label' } } });
    const fromUri = await withPassword(['add', '--uri', 'otpauth://totp/?secret=ONSWG4TFOQ']);
    expect(fromUri.code).toBe(EXIT_CODES.ACCOUNT_INVALID);
    expect(fromUri.stderr).toMatch(/^latchkey: ACCOUNT_INVALID: the account needs a name/);
  });

  it('a 3,000-character label is ACCOUNT_INVALID{label} in words, the 256 limit of URIs', async () => {
    const result = await withPassword(['add', '--secret', 'ONSWG4TFOQ', '--issuer', 'Long', '--label', 'x'.repeat(3000), '--json']);
    expect(result.code).toBe(EXIT_CODES.ACCOUNT_INVALID);
    expect(JSON.parse(result.stderr)).toEqual({ error: { code: 'ACCOUNT_INVALID', message: 'label must be at most 256 characters', details: { field: 'label' } } });
    const at256 = await withPassword(['add', '--secret', 'ONSWG4TFOQ', '--issuer', 'Long', '--label', 'y'.repeat(256)]);
    expect(at256.code).toBe(0);
  });
});

describe('sizes before formats, in the user’s words', () => {
  it('a 50 MB valid otpauth list is IMPORT_TOO_LARGE, not an unknown format', async () => {
    const path = bigFile('big-list.txt', `otpauth://totp/a?secret=${SECRET}\n`, 50_000_000);
    for (const args of [['import', path, '--dry-run'], ['import', path, '--yes', '--password-file', passwordFile]]) {
      const result = await run(args);
      expect(result.code).toBe(EXIT_CODES.IMPORT_TOO_LARGE);
      expect(result.stderr).toBe(`latchkey: IMPORT_TOO_LARGE: ${path} is over 10 MiB: no export we read is that large\n`);
    }
  });

  it('an 11 MiB file is too large too (the text cap of SECURITY-NOTES §8)', async () => {
    const path = bigFile('eleven.txt', `otpauth://totp/a?secret=${SECRET}\n`, 11 * 1024 * 1024);
    expect((await run(['import', path, '--dry-run', '--json'])).code).toBe(EXIT_CODES.IMPORT_TOO_LARGE);
  });

  it('an image file over 50 MiB is QR_IMAGE_TOO_LARGE, never a schema message', async () => {
    const path = bigFile('huge.png', 'x', 51 * 1024 * 1024);
    const result = await run(['scan', path, '--dry-run']);
    expect(result.code).toBe(EXIT_CODES.QR_IMAGE_TOO_LARGE);
    expect(result.stderr).toBe(`latchkey: QR_IMAGE_TOO_LARGE: ${path} is over 50 MiB\n`);
  });

  it('a 50 MB file under the cap reaches the decoder: its own error, never the request schema’s text', async () => {
    const path = bigFile('fifty.png', 'x', 50_000_000);
    const result = await run(['scan', path, '--dry-run']);
    expect(result.code).toBe(EXIT_CODES.QR_INVALID_IMAGE);
    expect(result.stderr).not.toMatch(/imageBase64|Too big|INVALID_REQUEST/);
  });

  it('an image deep in the tree (a path over 256 characters) is read, its name kept by its end', async () => {
    const dir = join(home, 'd'.repeat(120), 'e'.repeat(120), 'f'.repeat(40));
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(REPO_ROOT, 'main', 'enroll', 'qr', 'fixtures', 'dark-mode.png'), join(dir, 'dark-mode.png'));
    const result = await run(['scan', join(dir, 'dark-mode.png'), '--dry-run', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/INVALID_REQUEST|source/);
    const { accounts } = JSON.parse(result.stdout) as { accounts: { source: string }[] };
    expect(accounts[0]?.source).toMatch(/^….*f\/dark-mode\.png$/);
  });

  it('recovery codes: a file over 1 MiB is refused before it is read, 300 codes in words', async () => {
    const huge = bigFile('codes-huge.txt', 'abcd-1234\n', 2 * 1024 * 1024);
    const result = await withPassword(['add', '--secret', 'MZXW6YTBOI', '--issuer', 'Codes', '--recovery-codes', huge]);
    expect(result).toMatchObject({ code: EXIT_CODES.ACCOUNT_INVALID, stderr: `latchkey: ACCOUNT_INVALID: the recovery-codes file ${huge} is over 1 MiB (at most 256 codes are kept)\n` });
    const many = join(home, 'codes-300.txt');
    writeFileSync(many, Array.from({ length: 300 }, (_, i) => `code-${String(i)}`).join('\n'));
    const tooMany = await withPassword(['add', '--secret', 'MZXW6YTBOI', '--issuer', 'Codes', '--recovery-codes', many, '--json']);
    expect(tooMany.code).toBe(EXIT_CODES.ACCOUNT_INVALID);
    expect(JSON.parse(tooMany.stderr)).toEqual({ error: { code: 'ACCOUNT_INVALID', message: 'recovery codes: at most 256 codes', details: { field: 'recoveryCodes' } } });
  });

  it('a query over 256 characters is USAGE in words', async () => {
    const result = await withPassword(['list', 'q'.repeat(300)]);
    expect(result).toMatchObject({ code: EXIT_CODES.USAGE, stderr: 'latchkey: USAGE: the query is longer than 256 characters\n' });
  });

  it('an empty password file is USAGE naming it', async () => {
    const empty = join(home, 'empty.txt');
    writeFileSync(empty, '\n');
    const result = await run(['list', '--password-file', empty]);
    expect(result).toMatchObject({ code: EXIT_CODES.USAGE, stderr: `latchkey: USAGE: the password file ${empty} is empty (the password is its first line)\n` });
  });
});
