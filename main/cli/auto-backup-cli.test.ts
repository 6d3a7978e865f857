import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { inProcessCli } from './test-support/in-process.js';

/** Issue 13 item 2, as a script sees it: every failed automatic backup is a failed command, and said in words. */
const cli = inProcessCli();
const passwordFile = join(cli.home, 'password.txt');
const backupPasswordFile = join(cli.home, 'backup-password.txt');
const vault = (args: string[], stdin?: string) => cli.run([...args, '--password-file', passwordFile], stdin === undefined ? {} : { stdin });
const auto = (args: string[]) => vault(['backup', 'auto', ...args, '--backup-password-file', backupPasswordFile]);
const addAccount = (label: string) => vault(['add', '--secret', '-', '--issuer', 'Auto', '--label', label], `${Buffer.from(`seed-${label}-0123456789`).toString('hex').toUpperCase().replace(/[^A-Z2-7]/g, 'A').slice(0, 32)}\n`);

beforeAll(async () => {
  writeFileSync(passwordFile, 'automatic backups cli vault passphrase\n');
  writeFileSync(backupPasswordFile, 'amber walrus quietly juggles 42 kites\n');
  expect((await vault(['init', '--kdf', '2,64'])).code).toBe(0);
});

describe('latchkey backup auto', () => {
  it('makes a missing folder (0700) when turned on; refuses one it cannot make, in words, exit IO_ERROR', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'latchkey-auto-cli-')), 'new', 'folder');
    const on = await auto(['--folder', folder]);
    expect(on).toMatchObject({ code: 0 });
    expect(statSync(folder).mode & 0o777).toBe(0o700);

    const refused = await auto(['--folder', '/proc/nope', '--run']);
    expect(refused.code).toBe(EXIT_CODES.IO_ERROR);
    expect(refused.stderr).toBe('latchkey: IO_ERROR: cannot create the backup folder /proc/nope: no folder can be made there\n');
    expect(refused.stderr).not.toMatch(/ENOENT/);
    // The earlier folder stays configured.
    expect(JSON.parse((await vault(['backup', 'auto', '--json'])).stdout)).toMatchObject({ enabled: true, folder });
  });

  it('a change whose backup fails exits non-zero; the failure shows in backup auto, vault status, and --run fails', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-auto-cli-'));
    expect((await auto(['--folder', folder])).code).toBe(0);
    expect((await addAccount('first')).code).toBe(0);
    expect(readdirSync(folder).filter((name) => name.endsWith('.lkbak'))).toHaveLength(1);

    rmSync(folder, { recursive: true });
    const added = await addAccount('second');
    expect(added.code).toBe(EXIT_CODES.IO_ERROR);
    expect(added.stdout).toMatch(/^Added Auto \(second\)\./);
    expect(added.stderr).toContain(`latchkey: IO_ERROR: the change was saved, but the automatic backup failed: cannot write a backup in ${folder}: it does not exist`);
    expect(existsSync(folder)).toBe(false);

    const status = JSON.parse((await vault(['backup', 'auto', '--json'])).stdout) as { last: { file: string } | null; lastFailure: { at: number; reason: string } | null; lastError: string | null };
    expect(status.lastFailure?.reason).toContain('it does not exist');
    expect(status.lastError).toBe(status.lastFailure?.reason);
    expect(status.last?.file.startsWith(folder)).toBe(true);
    expect((await vault(['backup', 'auto'])).stdout).toMatch(/\nLast failure: \d{4}-\d\d-\d\dT[\d:.]+Z: cannot write a backup in .* it does not exist/);

    const run = await vault(['backup', 'auto', '--run']);
    expect(run.code).toBe(EXIT_CODES.IO_ERROR);
    expect(run.stderr).toMatch(/^latchkey: IO_ERROR: the backup failed: cannot write a backup in /);

    const text = await vault(['vault', 'status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Vault: {5}.*vault\.sqlite\nBackend: {3}SQLite \(one file\); rows sealed with XChaCha20-Poly1305 \(libsodium\), (native|wasm); password slots Argon2id\n/);
    expect(text.stdout).toMatch(/\n {2}password +[0-9a-f]+ {2}Argon2id, 2 passes, 64 MiB\n/);
    expect(text.stdout).toContain('Manifest:  ok');
    expect(text.stdout).toMatch(/\nLast failure: .*it does not exist/);
    const json = JSON.parse((await vault(['vault', 'status', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ accounts: 2, damaged: [], manifest: 'ok', backend: { kdf: 'Argon2id', sodium: expect.stringMatching(/^(native|wasm)$/) as unknown }, autoBackup: { enabled: true, folder, lastFailure: { reason: expect.stringContaining('it does not exist') as unknown } } });
    expect(json['slots']).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'password', kdf: { ops: 2, mem: 64 * 1024 * 1024 } }), expect.objectContaining({ kind: 'recovery' })]));

    // A new folder: the old last backup and failure are forgotten, and the next change backs up again.
    const next = mkdtempSync(join(tmpdir(), 'latchkey-auto-cli-'));
    expect(JSON.parse((await auto(['--folder', next, '--json'])).stdout)).toMatchObject({ folder: next, last: null, lastFailure: null });
    expect((await addAccount('third')).code).toBe(0);
    expect(JSON.parse((await vault(['backup', 'auto', '--json'])).stdout)).toMatchObject({ lastFailure: null, last: { verified: true } });
  });
});
