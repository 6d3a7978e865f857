import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { makeTempHome, spawnCli } from './test-support/spawn-cli.js';

const home = makeTempHome();
const passwordFile = join(home, 'password.txt');
const fixture = (name: string) => join(REPO_ROOT, 'main/enroll/qr/fixtures', name);
const run = (args: string[], env: Record<string, string> = {}) => spawnCli(args, { home, env });
/** The real binary with binary standard input (spawnCli's is text). */
function runWithStdin(args: string[], input: Buffer): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'latchkey.js'), ...args], {
    cwd: home,
    input,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: home, LATCHKEY_HOME: join(home, 'latchkey') },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  writeFileSync(passwordFile, 'scan test password\n');
  expect((await run(['init', '--kdf', '2,64', '--password-file', passwordFile])).code).toBe(0);
});

describe('latchkey scan', () => {
  it('--dry-run needs no vault password and writes nothing', async () => {
    const result = await run(['scan', fixture('two-codes.png'), '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { accounts: { label: string; secretBase32?: string }[]; invalid: unknown[] };
    expect(output.accounts.map((a) => a.label).sort()).toEqual(['user1@example.com', 'user2@example.com']);
    expect(output.accounts.every((a) => a.secretBase32 === undefined)).toBe(true);
    expect(JSON.parse((await run(['list', '--json', '--password-file', passwordFile])).stdout)).toEqual([]);
  });

  it('adds every account of a Google export given in any order, and skips duplicates next time', async () => {
    const parts = [3, 1, 2].map((n) => fixture(`google-batch-${String(n)}-of-3.png`));
    const first = await run(['scan', ...parts, '--password-file', passwordFile]);
    expect(first.stdout).toMatch(/Added 25 to the vault\.\n$/);
    const again = await run(['scan', fixture('google-batch-1-of-3.png'), '--password-file', passwordFile]);
    expect(again.stdout).toMatch(/already in the vault[\s\S]*Added 0 to the vault\.\n$/);
    expect(again.stderr).toBe('latchkey: warning: Google export: QR 2, 3 of 3 not scanned yet\n');
  });

  it('--dry-run marks duplicates when a password source is given (LATCHKEY_PASSWORD_FILE too), and says when it could not check', async () => {
    interface Preview { accounts: { duplicate: boolean }[]; duplicatesChecked: boolean }
    const checked = await run(['scan', fixture('google-batch-1-of-3.png'), '--dry-run', '--json'], { LATCHKEY_PASSWORD_FILE: passwordFile });
    const preview = JSON.parse(checked.stdout) as Preview;
    expect(preview.duplicatesChecked).toBe(true);
    expect(preview.accounts.length).toBeGreaterThan(0);
    expect(preview.accounts.every((a) => a.duplicate)).toBe(true);
    const unchecked = await run(['scan', fixture('google-batch-1-of-3.png'), '--dry-run', '--json']);
    expect((JSON.parse(unchecked.stdout) as Preview).duplicatesChecked).toBe(false);
    expect(unchecked.stderr).toMatch(/latchkey: warning: duplicates were not checked against the vault/);
  });

  it('"-" reads the image from standard input, as bytes; a second "-" in the command is USAGE', () => {
    const png = readFileSync(fixture('two-codes.png'));
    const piped = runWithStdin(['scan', '-', '--dry-run', '--json'], png);
    expect(piped.code).toBe(0);
    expect((JSON.parse(piped.stdout) as { accounts: { label: string }[] }).accounts.map((a) => a.label).sort()).toEqual(['user1@example.com', 'user2@example.com']);
    const twice = runWithStdin(['scan', '-', '-', '--dry-run'], png);
    expect(twice.code).toBe(EXIT_CODES.USAGE);
    expect(twice.stderr).toMatch(/^latchkey: USAGE: standard input can be read only once per command/);
    expect(runWithStdin(['scan', '-', '--dry-run'], Buffer.alloc(0))).toMatchObject({ code: EXIT_CODES.QR_INVALID_IMAGE });
  });

  it('--show-secrets prints the secrets', async () => {
    const result = await run(['scan', fixture('plain.png'), '--dry-run', '--show-secrets', '--json']);
    expect((JSON.parse(result.stdout) as { accounts: { secretBase32: string }[] }).accounts[0]?.secretBase32).toMatch(/^[A-Z2-7]+$/);
  });

  it.each([
    ['no-qr.png', 'QR_NOT_FOUND'],
    ['not-otp.png', 'QR_NOT_OTP'],
    ['not-an-image.png', 'QR_INVALID_IMAGE'],
    ['huge-header.png', 'QR_IMAGE_TOO_LARGE'],
    ['truncated-migration.png', 'MIGRATION_MALFORMED'],
  ] as const)('%s: one line, %s, nothing written', async (name, code) => {
    const result = await run(['scan', fixture(name), '--password-file', passwordFile]);
    expect(result.code).toBe(EXIT_CODES[code]);
    expect(result.stderr).toMatch(new RegExp(`^latchkey: ${code}: [^\\n]+\\n$`));
  });

  it('a missing file is IO_ERROR; --screen without a display names the problem', async () => {
    expect((await run(['scan', join(home, 'nope.png'), '--dry-run'])).code).toBe(EXIT_CODES.IO_ERROR);
    const screen = await run(['scan', '--screen', '--dry-run']);
    expect(screen.code).toBe(EXIT_CODES.CAPTURE_UNAVAILABLE);
    expect(screen.stderr).toMatch(/no graphical session/);
    const noTool = await run(['scan', '--screen', '--dry-run'], { DISPLAY: ':99', PATH: '/nonexistent' });
    expect(noTool.stderr).toMatch(/install maim, scrot or ImageMagick/);
  });
});
