import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { makeTempHome, spawnCli } from './test-support/spawn-cli.js';

/**
 * Files the user names that can't be read or written (missing, a folder, a full disk) are IO_ERROR
 * (exit 9) saying which file and why, in one line: never a stack trace (INTERNAL), never a file
 * left half-written, and the vault as it was.
 */
const SECRET = 'JBSWY3DPEHPK3PXP';
const VAULT_PASSWORD = 'a long vault password\n';
const BACKUP_PASSWORD = 'another long backup phrase tango\n';

async function vaultWithOneAccount(): Promise<{ home: string; run: (args: string[]) => ReturnType<typeof spawnCli> }> {
  const home = makeTempHome();
  writeFileSync(join(home, 'password.txt'), VAULT_PASSWORD);
  writeFileSync(join(home, 'backup-password.txt'), BACKUP_PASSWORD);
  const run = (args: string[]) => spawnCli([...args, '--password-file', join(home, 'password.txt')], { home });
  expect((await run(['init', '--kdf', '2,64'])).code).toBe(0);
  expect((await spawnCli(['add', '--secret', '-', '--issuer', 'GitHub', '--label', 'alice', '--password-file', join(home, 'password.txt')], { home, stdin: SECRET })).code).toBe(0);
  return { home, run };
}

describe('a named file that is missing or a folder', () => {
  it('the password file, an import, a QR image, a backup and --vault each say what is wrong with which file', async () => {
    const { home, run } = await vaultWithOneAccount();
    const folder = join(home, 'a-folder');
    mkdirSync(folder);
    const missing = join(home, 'missing.txt');
    const cases: [string[], string][] = [
      [['list', '--password-file', missing], `cannot read the password file ${missing}: it does not exist (was it moved, removed or unmounted?)`],
      [['list', '--password-file', folder], `cannot read the password file ${folder}: it is a folder`],
      [['import', folder, '--dry-run'], `cannot read ${folder}: it is a folder`],
      [['scan', folder, '--dry-run'], `cannot read ${folder}: it is a folder`],
      [['backup', 'verify', folder, '--backup-password-file', join(home, 'backup-password.txt')], `cannot read the backup ${folder}: it is a folder`],
      [['backup', 'restore', folder, '--backup-password-file', join(home, 'backup-password.txt')], `cannot read the backup ${folder}: it is a folder`],
      [['backup', 'verify', missing, '--backup-password-file', join(home, 'backup-password.txt')], `cannot open the backup ${missing}: it does not exist (was it moved, removed or unmounted?)`],
    ];
    for (const [args, message] of cases) {
      // LATCHKEY_PASSWORD_FILE opens the vault; a --password-file on the command comes first.
      const result = await spawnCli(args, { home, env: { LATCHKEY_PASSWORD_FILE: join(home, 'password.txt') } });
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: EXIT_CODES.IO_ERROR, stderr: `latchkey: IO_ERROR: ${message}\n` });
    }
    // --vault naming the folder the vault lives in, not the file: said as such, for init as for an unlock.
    const vaultFolder = join(home, 'latchkey');
    for (const command of [['init'], ['list']]) {
      const result = await spawnCli(['--vault', vaultFolder, ...command, '--password-file', join(home, 'password.txt')], { home });
      expect({ command, code: result.code, stderr: result.stderr }).toEqual({
        command,
        code: EXIT_CODES.VAULT_NOT_A_VAULT,
        stderr: `latchkey: VAULT_NOT_A_VAULT: ${vaultFolder} is a folder, not a vault file: give the file's path (such as ${join(vaultFolder, 'vault.sqlite')})\n`,
      });
    }
    // --vault naming a file that is no vault: a text file, or a SQLite database of another program.
    const notes = join(home, 'notes.txt');
    writeFileSync(notes, 'my 2FA secrets are in the vault, not here\n');
    const otherDb = join(home, 'other.sqlite');
    execFileSync(process.execPath, ['-e', `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(otherDb)}); db.exec('CREATE TABLE notes (text TEXT)'); db.close();`], { cwd: REPO_ROOT });
    for (const [file, why] of [[notes, ' (not a SQLite database file at all): give the vault file\'s path'], [otherDb, '']] as const) {
      const result = await spawnCli(['--vault', file, 'list', '--password-file', join(home, 'password.txt')], { home });
      expect({ file, code: result.code, stderr: result.stderr }).toEqual({ file, code: EXIT_CODES.VAULT_NOT_A_VAULT, stderr: `latchkey: VAULT_NOT_A_VAULT: ${file} is not a Latchkey vault${why}\n` });
    }
    expect(readFileSync(notes, 'utf8')).toBe('my 2FA secrets are in the vault, not here\n');
    // A real vault with a damaged first page is still called damaged.
    const damaged = join(home, 'damaged.sqlite');
    const bytes = readFileSync(join(home, 'latchkey', 'vault.sqlite'));
    bytes.fill(0x5a, 0, 4096);
    writeFileSync(damaged, bytes);
    const damagedRun = await spawnCli(['--vault', damaged, 'list', '--password-file', join(home, 'password.txt')], { home });
    expect({ code: damagedRun.code, stderr: damagedRun.stderr }).toEqual({ code: EXIT_CODES.VAULT_CORRUPT, stderr: `latchkey: VAULT_CORRUPT: the vault file is damaged or truncated: ${damaged}\n` });
    const json = await spawnCli(['import', folder, '--json'], { home, env: { LATCHKEY_PASSWORD_FILE: join(home, 'password.txt') } });
    expect(JSON.parse(json.stdout || json.stderr)).toEqual({ error: { code: 'IO_ERROR', message: `cannot read ${folder}: it is a folder`, details: { path: folder, errno: 'EISDIR' } } });
    expect((await run(['list'])).stdout).toMatch(/^GitHub\s+alice\s+\d{6}\n$/);
  });
});

/** A real full disk: a small tmpfs in a private mount namespace (root with CAP_SYS_ADMIN only). */
function tmpfsProbe(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a small tmpfs needs root';
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$1"', 'sh', mkdtempSync(join(tmpdir(), 'latchkey-probe-'))], { encoding: 'utf8' });
  if (probe.error !== undefined) return `unshare is not available (${probe.error.message})`;
  if (probe.status !== 0) return `this system refuses a private tmpfs mount (${probe.stderr.trim()})`;
  return undefined;
}

const noTmpfs = tmpfsProbe();
if (noTmpfs !== undefined) process.stderr.write(`file-errors-cli.test.ts: skipping the full-disk test: ${noTmpfs}\n`);

describe.skipIf(noTmpfs !== undefined)('a backup or an export onto a full disk', () => {
  it('is IO_ERROR "the disk is full" naming the file; no file is left there and the vault is unchanged', async () => {
    const { home } = await vaultWithOneAccount();
    const vaultBefore = readFileSync(join(home, 'latchkey', 'vault.sqlite'));
    const full = join(home, 'full');
    mkdirSync(full);
    // The vault stays on the real disk; only the target folder is full.
    const script = `
set -u
cli() { node "$BIN" "$@" --password-file "$HOME/password.txt"; }
mount -t tmpfs -o size=64k tmpfs "$FULL" || exit 99
head -c 1048576 /dev/zero > "$FULL/fill" 2>/dev/null
cli backup create "$FULL/backup.lkbak" --backup-password-file "$HOME/backup-password.txt" 2>"$HOME/err"; echo "backup|$?|$(cat "$HOME/err")"
cli export "$FULL/accounts.txt" --i-understand-this-is-plaintext 2>"$HOME/err"; echo "export|$?|$(cat "$HOME/err")"
ls -A "$FULL" | tr '\\n' ' '
`;
    const output = execFileSync('unshare', ['-m', 'sh', '-c', script], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: home, LATCHKEY_HOME: join(home, 'latchkey'), BIN: join(REPO_ROOT, 'bin', 'latchkey.js'), FULL: full },
      timeout: 60_000,
    });
    const [backup, exported, left] = output.split('\n');
    expect(backup).toBe(`backup|${String(EXIT_CODES.IO_ERROR)}|latchkey: IO_ERROR: cannot write the backup ${full}/backup.lkbak: the disk is full`);
    expect(exported).toBe(`export|${String(EXIT_CODES.IO_ERROR)}|latchkey: IO_ERROR: cannot write ${full}/accounts.txt: the disk is full`);
    // Only the filler: no backup, no export, no temporary file.
    expect(left?.trim()).toBe('fill');
    expect(readFileSync(join(home, 'latchkey', 'vault.sqlite')).equals(vaultBefore)).toBe(true);
  });
});
