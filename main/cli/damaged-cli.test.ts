import Database from 'better-sqlite3';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { inProcessCli } from './test-support/in-process.js';

/** Issue 13 item 7: a damaged row can be removed by id, and no copy leaves it out without saying so. */
const cli = inProcessCli();
const passwordFile = join(cli.home, 'password.txt');
const backupPasswordFile = join(cli.home, 'backup-password.txt');
const vaultFile = join(cli.env.LATCHKEY_HOME, 'vault.sqlite');
const vault = (args: string[], stdin?: string) => cli.run([...args, '--password-file', passwordFile], stdin === undefined ? {} : { stdin });
const SECRETS = ['JBSWY3DPEHPK3PXP', 'GEZDGNBVGY3TQOJQ', 'MFRGGZDFMZTWQ2LK', 'ONSWG4TFOQYTEMZU'];

/** Flips one byte of a sealed column of a row, as a bad sector or a careless tool would. */
function damage(id: string, column: 'meta_ct' | 'seed_ct'): void {
  const db = new Database(vaultFile);
  const row = db.prepare(`SELECT ${column} AS value FROM entries WHERE id = ?`).get(Buffer.from(id, 'hex')) as { value: Buffer };
  const value = Buffer.from(row.value);
  value[3] = (value[3] ?? 0) ^ 0x01;
  db.prepare(`UPDATE entries SET ${column} = ? WHERE id = ?`).run(value, Buffer.from(id, 'hex'));
  db.close();
}

let ids: string[];

beforeAll(async () => {
  writeFileSync(passwordFile, 'damaged rows cli vault passphrase\n');
  writeFileSync(backupPasswordFile, 'amber walrus quietly juggles 42 kites\n');
  expect((await vault(['init', '--kdf', '2,64'])).code).toBe(0);
  for (const [i, secret] of SECRETS.entries()) expect((await vault(['add', '--secret', '-', '--issuer', 'Site', '--label', `user${String(i)}`], `${secret}\n`)).code).toBe(0);
  ids = (JSON.parse((await vault(['list', '--json'])).stdout) as { id: string }[]).map((account) => account.id);
  damage(ids[0] ?? '', 'meta_ct');
  damage(ids[1] ?? '', 'seed_ct');
});

describe('damaged accounts', () => {
  it('backup create and every export fail naming them, unless --skip-damaged; then the count is what was written', async () => {
    const file = join(cli.home, 'all.lkbak');
    const refused = await vault(['backup', 'create', file, '--backup-password-file', backupPasswordFile]);
    expect(refused.code).toBe(EXIT_CODES.VAULT_INTEGRITY);
    expect(refused.stderr).toContain(`2 damaged accounts can't be copied (${String(ids[0])}, ${String(ids[1])}); nothing was written`);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(cli.home).filter((name) => name.includes('.tmp-'))).toEqual([]);

    const skipped = await vault(['backup', 'create', file, '--backup-password-file', backupPasswordFile, '--skip-damaged']);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(/^Wrote 2 accounts to /);
    expect(skipped.stderr).toContain(`latchkey: warning: left out 2 damaged accounts that no longer open: ${String(ids[0])}, ${String(ids[1])}`);

    for (const format of ['otpauth-list', 'aegis', 'html']) {
      const target = join(cli.home, `export-${format}`);
      const failed = await vault(['export', target, '--format', format, '--i-understand-this-is-plaintext']);
      expect(failed.code, format).toBe(EXIT_CODES.VAULT_INTEGRITY);
      expect(existsSync(target)).toBe(false);
      const done = await vault(['export', target, '--format', format, '--i-understand-this-is-plaintext', '--skip-damaged', '--json']);
      expect(JSON.parse(done.stdout)).toMatchObject({ accounts: 2, leftOut: [ids[0], ids[1]] });
      expect(done.stderr).toContain(String(ids[1]));
    }
  });

  it('code QUERY that matches nothing says an unreadable account may be the one (its name is in the damaged part)', async () => {
    // user0's name no longer opens: no query can find it, so a plain "no account matches" would mislead.
    const sought = await vault(['code', 'user0']);
    expect(sought).toMatchObject({ code: EXIT_CODES.NOT_FOUND, stdout: '' });
    expect(sought.stderr).toBe('latchkey: NOT_FOUND: no account matches "user0", but 1 account of the vault is damaged and can\'t be read; it may be the one: run `latchkey vault verify`\n');
    const json = await vault(['code', 'user0', '--json']);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'NOT_FOUND', details: { damaged: 1 } } });
    // A readable account is found as ever.
    expect((await vault(['code', 'user2'])).stdout).toMatch(/^\d{6}\n$/);
  });

  it('remove takes a damaged account by its id (the vault password again), and vault verify passes after', async () => {
    expect((await vault(['vault', 'verify'])).stdout).toContain('remove it with `latchkey remove ID --yes`');
    const verify = await vault(['vault', 'verify', '--json']);
    expect(verify.code).toBe(EXIT_CODES.VAULT_INTEGRITY);
    expect((JSON.parse(verify.stdout) as { damaged: { id: string }[] }).damaged.map((row) => row.id).sort()).toEqual([ids[0], ids[1]].sort());

    // Confirmation first (scripts: --yes); the vault password again is checked by the service (damaged-rows.test.ts).
    expect((await vault(['remove', ids[0] ?? ''])).code).toBe(EXIT_CODES.USAGE);
    const removed = await vault(['remove', ids[0] ?? '', '--yes']);
    expect(removed).toMatchObject({ code: 0, stdout: `Removed the damaged account ${String(ids[0])}.\n` });
    const seed = await vault(['remove', ids[1] ?? '', '--yes', '--json']);
    expect(JSON.parse(seed.stdout)).toEqual({ removed: ids[1], fields: ['seed'] });

    expect((await vault(['vault', 'verify'])).code).toBe(0);
    expect((await vault(['backup', 'create', join(cli.home, 'clean.lkbak'), '--backup-password-file', backupPasswordFile])).stdout).toMatch(/^Wrote 2 accounts/);
    // An account that opens is not removed by this path.
    expect((await vault(['remove', ids[2] ?? '', '--yes'])).stdout).toBe('Removed Site (user2).\n');
  });
});
