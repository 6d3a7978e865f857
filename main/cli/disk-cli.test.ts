import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { makeTempHome, spawnCli } from './test-support/spawn-cli.js';

/**
 * The vault's folder is full or read-only: commands say so in words with IO_ERROR (exit 9), never a
 * stack trace (INTERNAL) nor VAULT_CORRUPT; commands that only read work on a read-only folder.
 */
const SECRET = 'JBSWY3DPEHPK3PXP';
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

function chownTree(path: string, id: number): void {
  chownSync(path, id, id);
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), id);
}

describe('a read-only vault folder', () => {
  it('list, code and vault verify work; add says the folder is read-only (IO_ERROR); the file is unchanged', async () => {
    const home = makeTempHome();
    const passwordFile = join(home, 'password.txt');
    writeFileSync(passwordFile, 'a long vault password\n');
    expect((await spawnCli(['init', '--kdf', '2,64', '--password-file', passwordFile], { home })).code).toBe(0);
    const added = await spawnCli(['add', '--secret', '-', '--issuer', 'GitHub', '--label', 'alice', '--password-file', passwordFile], { home, stdin: SECRET });
    expect(added.stdout).toBe('Added GitHub (alice).\n');
    const folder = join(home, 'latchkey');
    const before = readFileSync(join(folder, 'vault.sqlite'));
    // chmod does not stop root, so root runs the CLI as nobody; a read-only mount would need privileges CI may lack.
    if (isRoot) chownTree(home, NOBODY);
    chmodSync(folder, 0o555);
    const run = (args: string[], stdin = '') => runAs(isRoot ? NOBODY : undefined, home, [...args, '--password-file', passwordFile], stdin);

    const list = run(['list']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toMatch(/^GitHub\s+alice\s+\d{6}\n$/);
    expect(run(['code', 'github'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d{6}\n$/) as unknown });
    expect(run(['vault', 'verify'])).toMatchObject({ code: 0, stdout: '1 account checked; manifest ok.\n' });
    const add = run(['add', '--secret', '-', '--issuer', 'Bank', '--label', 'bob'], 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(add.code).toBe(EXIT_CODES.IO_ERROR);
    expect(add.stderr).toMatch(/^latchkey: IO_ERROR: the vault folder is read-only \(no permission to write in it\), so the vault can only be read; nothing was changed: \S+vault\.sqlite\n$/);
    expect(readFileSync(join(folder, 'vault.sqlite')).equals(before)).toBe(true);
    expect(readdirSync(folder)).toEqual(['vault.sqlite']);
  });
});

function runAs(uid: number | undefined, home: string, args: string[], stdin: string): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'latchkey.js'), ...args], {
    cwd: home,
    encoding: 'utf8',
    input: stdin,
    ...(uid === undefined ? {} : { uid, gid: uid }),
    env: { PATH: process.env['PATH'] ?? '', HOME: home, XDG_DATA_HOME: join(home, '.local', 'share'), LATCHKEY_HOME: join(home, 'latchkey') },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A real full disk: a small tmpfs mounted in a private mount namespace (root with CAP_SYS_ADMIN only). */
function tmpfsProbe(): string | undefined {
  if (!isRoot) return 'mounting a small tmpfs needs root';
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$1"', 'sh', mkdtempSync(join(tmpdir(), 'latchkey-probe-'))], { encoding: 'utf8' });
  if (probe.error !== undefined) return `unshare is not available (${probe.error.message})`;
  if (probe.status !== 0) return `this system refuses a private tmpfs mount (${probe.stderr.trim()})`;
  return undefined;
}

const noTmpfs = tmpfsProbe();
if (noTmpfs !== undefined) process.stderr.write(`disk-cli.test.ts: skipping the full-disk test: ${noTmpfs}\n`);

describe.skipIf(noTmpfs !== undefined)('a full disk (a 1 MiB tmpfs)', () => {
  it('list, vault verify and add exit 9 IO_ERROR "the disk is full" at every level of fullness; the vault is intact after', () => {
    const home = makeTempHome();
    const script = `
set -u
cli() { node "$BIN" "$@" --password-file "$HOME/password.txt"; }
mkdir -p "$LATCHKEY_HOME" && mount -t tmpfs -o size=1m tmpfs "$LATCHKEY_HOME" || exit 99
cli init --kdf 2,64 >/dev/null || exit 98
for n in A B C; do printf '%s%s' "$SECRET" "$n" | cli add --secret - --issuer "Site$n" --label me >/dev/null || exit 97; done
# Each account has its own secret (16 and 32 Base32 letters): an exact duplicate would be refused for that reason instead.
for level in 48:D 24:E 12:F 4:G 0:H; do
  free=\${level%%:*}; letter=\${level##*:}
  rm -f "$LATCHKEY_HOME/fill"
  avail=$(df --output=avail -k "$LATCHKEY_HOME" | tail -1)
  head -c $(( (avail - free) * 1024 )) /dev/zero > "$LATCHKEY_HOME/fill" 2>/dev/null
  for command in list "vault verify" add; do
    if [ "$command" = add ]; then printf '%s%s' "$SECRET2" "$letter" | cli add --secret - --issuer "Full$free" --label me >/dev/null 2>"$HOME/err"; else cli $command >/dev/null 2>"$HOME/err"; fi
    echo "$free|$command|$?|$(head -1 "$HOME/err")"
  done
done
rm -f "$LATCHKEY_HOME/fill"
cli vault verify
`;
    writeFileSync(join(home, 'password.txt'), 'a long vault password\n');
    const output = execFileSync('unshare', ['-m', 'sh', '-c', script], {
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: home,
        LATCHKEY_HOME: join(home, 'latchkey'),
        BIN: join(REPO_ROOT, 'bin', 'latchkey.js'),
        SECRET: 'JBSWY3DPEHPK3PX',
        SECRET2: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ',
      },
      timeout: 120_000,
    });
    const lines = output.trim().split('\n');
    const verdict = lines.pop();
    for (const line of lines) {
      const [, command, code, stderr] = line.split('|');
      // Each either works, or fails as IO_ERROR saying the disk is full; nothing else.
      if (code !== '0') expect({ command, code, stderr }).toMatchObject({ code: String(EXIT_CODES.IO_ERROR), stderr: expect.stringMatching(/^latchkey: IO_ERROR: the vault could not be read or written: the disk is full \(/) as unknown });
    }
    // At 0 KiB free nothing can be opened; the lines before show the error at each level.
    expect(lines.filter((line) => line.startsWith('0|')).map((line) => line.split('|')[2])).toEqual(['9', '9', '9']);
    expect(verdict).toMatch(/^\d accounts? checked; manifest ok\.$/);
  });
});
