import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { loadSodium } from '../vault/sodium.js';
import { rewriteHeaderSum } from '../vault/test-support/slot-rows.js';
import { MANIFEST_WARNING } from './context.js';
import { makeTempHome, spawnCli } from './test-support/spawn-cli.js';

/** A vault changed outside Latchkey says so on stderr for every command that unlocks it, until accepted. */
const home = makeTempHome();
const passwordFile = join(home, 'password.txt');
const vaultFile = join(home, 'latchkey', 'vault.sqlite');
const withPassword = (args: string[]) => spawnCli([...args, '--password-file', passwordFile], { home });

beforeAll(async () => {
  writeFileSync(passwordFile, 'a long vault password\n');
  expect((await withPassword(['init', '--kdf', '2,64'])).code).toBe(0);
  expect((await withPassword(['add', '--secret', 'JBSWY3DPEHPK3PXP', '--issuer', 'GitHub', '--label', 'alice'])).code).toBe(0);
});

describe('the manifest warning', () => {
  it('is one line naming both commands', () => {
    expect(MANIFEST_WARNING).toMatch(/^latchkey: warning: [^\n]*'latchkey vault verify'[^\n]*'latchkey vault verify --accept'\n$/);
  });

  it('is not printed while the manifest matches', async () => {
    const list = await withPassword(['list', '--json']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
  });

  it('after a slot was deleted outside Latchkey: printed on stderr by every unlocking command until `vault verify --accept`', async () => {
    const sodium = await loadSodium();
    const db = new Database(vaultFile);
    db.prepare("DELETE FROM slots WHERE kind = 'recovery'").run();
    rewriteHeaderSum(sodium, db);
    db.close();

    const list = await withPassword(['list', '--json']);
    expect(list.code).toBe(0);
    expect(list.stderr).toBe(MANIFEST_WARNING);
    expect((JSON.parse(list.stdout) as { issuer: string }[]).map((a) => a.issuer)).toEqual(['GitHub']);

    const code = await withPassword(['code', 'github']);
    expect(code).toMatchObject({ code: 0, stderr: MANIFEST_WARNING });
    expect(code.stdout).toMatch(/^\d{6}\n$/);
    expect((await withPassword(['vault', 'slots'])).stderr).toBe(MANIFEST_WARNING);

    // Writes stop; the warning still comes first, then the error line.
    const add = await withPassword(['add', '--secret', 'GEZDGNBVGY3TQOJQ', '--issuer', 'Mail', '--label', 'me']);
    expect(add.code).toBe(EXIT_CODES.VAULT_INTEGRITY);
    expect(add.stderr.startsWith(MANIFEST_WARNING)).toBe(true);
    expect(add.stderr.slice(MANIFEST_WARNING.length)).toMatch(/^latchkey: VAULT_INTEGRITY: /);

    const verify = await withPassword(['vault', 'verify']);
    expect(verify.code).toBe(EXIT_CODES.VAULT_INTEGRITY);
    expect(verify.stderr.startsWith(MANIFEST_WARNING)).toBe(true);

    expect((await withPassword(['vault', 'verify', '--accept'])).code).toBe(0);
    expect(await withPassword(['list', '--json'])).toMatchObject({ code: 0, stderr: '' });
    expect((await withPassword(['vault', 'verify'])).stdout).toMatch(/manifest ok/);
  });

  it('commands that do not unlock never print it', async () => {
    const parsed = await spawnCli(['uri', 'parse', 'otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP'], { home });
    expect(parsed.stderr).toBe('');
  });
});
