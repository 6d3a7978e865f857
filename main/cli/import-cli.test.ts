import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
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
