import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { makeTempHome, spawnCli, type CliRun } from './test-support/spawn-cli.js';

/** Issue 13, items 3, 4 and 13: `code QUERY --at`, flags that cannot apply, damaged seeds, codes in `list --json`. */
const SECRET = 'JBSWY3DPEHPK3PXP';
const HOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

interface Home {
  readonly run: (args: string[]) => Promise<CliRun>;
  readonly vaultFile: string;
  readonly ids: Record<string, string>;
}

/** A fresh home with GitHub (TOTP), Bank (HOTP) and Mail (TOTP, SHA256, 8 digits). */
async function home(): Promise<Home> {
  const dir = makeTempHome();
  const passwordFile = join(dir, 'password.txt');
  writeFileSync(passwordFile, 'a long vault password\n');
  const run = async (args: string[]) => withoutProgress(await spawnCli([...args, '--password-file', passwordFile], { home: dir }));
  expect((await run(['init', '--kdf', '2,64'])).stderr).toBe('');
  const ids: Record<string, string> = {};
  for (const [name, args] of [
    ['github', ['--secret', SECRET, '--issuer', 'GitHub', '--label', 'alice']],
    ['bank', ['--secret', HOTP_SECRET, '--type', 'hotp', '--issuer', 'Bank', '--label', 'bob']],
    ['mail', ['--secret', HOTP_SECRET, '--algorithm', 'SHA256', '--digits', '8', '--issuer', 'Mail', '--label', 'me']],
  ] as const) {
    const added = await run(['add', ...args, '--json']);
    expect(added.stderr).toBe('');
    ids[name] = (JSON.parse(added.stdout) as { id: string }).id;
  }
  return { run, vaultFile: join(dir, 'latchkey', 'vault.sqlite'), ids };
}

/** Progress lines ("latchkey: Deriving the vault’s key…") are not what these tests look at. */
function withoutProgress(result: CliRun): CliRun {
  return { ...result, stderr: result.stderr.replace(/^latchkey: (?!warning: )(?![A-Z_]+: ).*…\n/gm, '') };
}

function oathtool(args: string[]): string {
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

/** Flips one byte of an account's sealed seed, as tamper.test.ts does, on a plain SQLite connection. */
function damageSeed(vaultFile: string, id: string): void {
  const db = new Database(vaultFile);
  const key = Buffer.from(id, 'hex');
  const row = db.prepare('SELECT seed_ct FROM entries WHERE id = ?').get(key) as { seed_ct: Uint8Array };
  const flipped = Buffer.from(row.seed_ct);
  flipped[3] = (flipped[3] ?? 0) ^ 0x01;
  db.prepare('UPDATE entries SET seed_ct = ? WHERE id = ?').run(flipped, key);
  db.close();
}

describe('code QUERY honours --at, and refuses flags that cannot apply', () => {
  let vault: Home;
  beforeAll(async () => {
    vault = await home();
  });

  it('a vault account at --at T gives the code of T', async () => {
    const text = await vault.run(['code', 'github', '--at', '1700000000']);
    expect(text).toMatchObject({ code: 0, stderr: '', stdout: `${oathtool(['--totp', '--now=@1700000000', '--base32', SECRET])}\n` });
    const json = JSON.parse((await vault.run(['code', 'mail', '--at', '1111111109', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      code: oathtool(['--totp=sha256', '--digits=8', '--now=@1111111109', '--base32', HOTP_SECRET]),
      validFrom: 1111111080,
      validUntil: 1111111110,
    });
  });

  it('several matches at --at T all give the codes of T', async () => {
    const result = await vault.run(['code', 'i', '--at', '1700000000', '--json']);
    expect(result.code).toBe(EXIT_CODES.AMBIGUOUS);
    const rows = JSON.parse(result.stdout) as { code: string | null; validFrom: number | null }[];
    expect(rows.filter((row) => row.code !== null).every((row) => row.validFrom === 1699999980)).toBe(true);
  });

  it.each([
    [['code', 'github', '--digits', '8'], /--digits/],
    [['code', 'github', '--type', 'hotp', '--algorithm', 'SHA256'], /--type, --algorithm/],
    [['code', 'github', '--period', '60'], /--period/],
    [['code', 'github', '--secret', SECRET], /github.*--secret|--secret.*github/],
    [['code', 'github', '--uri', `otpauth://totp/a?secret=${SECRET}`], /--uri/],
    [['code', '--secret', SECRET, '--peek'], /--peek/],
    [['code', '--secret', SECRET, '--recovery-codes'], /--recovery-codes/],
    [['code', 'github', '--recovery-codes', '--at', '1700000000'], /--at/],
    [['code', 'bank', '--at', '1700000000'], /--at/],
  ])('%j is USAGE naming the flag', async (args, named) => {
    const result = await vault.run(args);
    expect(result.code).toBe(EXIT_CODES.USAGE);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^latchkey: USAGE: /);
    expect(result.stderr).toMatch(named);
  });

  it('a refused --at leaves the HOTP counter where it was', async () => {
    expect((await vault.run(['code', 'bank', '--peek'])).stdout).toBe('755224\n');
  });
});

describe('list --json carries codes, as code --json does', () => {
  it('code, validFrom and validUntil for TOTP (as oathtool has them), none for HOTP', async () => {
    const vault = await home();
    const listed = JSON.parse((await vault.run(['list', '--json'])).stdout) as Record<string, unknown>[];
    const byIssuer = new Map(listed.map((row) => [row['issuer'], row]));
    const github = byIssuer.get('GitHub') ?? {};
    const from = github['validFrom'] as number;
    expect(github['validUntil']).toBe(from + 30);
    expect(github['code']).toBe(oathtool(['--totp', `--now=@${String(from)}`, '--base32', SECRET]));
    const mail = byIssuer.get('Mail') ?? {};
    expect(mail['code']).toBe(oathtool(['--totp=sha256', '--digits=8', `--now=@${String(mail['validFrom'] as number)}`, '--base32', HOTP_SECRET]));
    const bank = byIssuer.get('Bank') ?? {};
    expect(bank).toMatchObject({ type: 'hotp', counter: 0 });
    expect(Object.keys(bank)).not.toContain('code');
    expect(Object.keys(bank)).not.toContain('validFrom');
  });
});

describe('a damaged seed is VAULT_INTEGRITY, never an empty code', () => {
  let vault: Home;
  beforeAll(async () => {
    vault = await home();
    damageSeed(vault.vaultFile, vault.ids['github'] ?? '');
    damageSeed(vault.vaultFile, vault.ids['bank'] ?? '');
  });

  it('code: exit 16, the error names no label, the line after says which account', async () => {
    const result = await vault.run(['code', 'github']);
    expect(result.code).toBe(EXIT_CODES.VAULT_INTEGRITY);
    expect(result.stdout).toBe('');
    // (The manifest's own warning comes first: the damage changed a row outside Latchkey.)
    const lines = result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('latchkey: warning:'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^latchkey: VAULT_INTEGRITY: an account of the vault fails its integrity check/);
    expect(lines[0]).not.toMatch(/GitHub|alice/);
    expect(lines[1]).toBe(`latchkey: that account is GitHub (alice) (id ${vault.ids['github'] ?? ''})`);
  });

  it('code --json: the error object carries table and id', async () => {
    const result = await vault.run(['code', 'github', '--json']);
    expect(result.code).toBe(EXIT_CODES.VAULT_INTEGRITY);
    expect(result.stdout).toBe('');
    const line = result.stderr.split('\n').find((text) => text.startsWith('{')) ?? '';
    expect(JSON.parse(line)).toMatchObject({ error: { code: 'VAULT_INTEGRITY', details: { table: 'entries', id: vault.ids['github'] } } });
  });

  it('a HOTP account too (its counter is not advanced)', async () => {
    const result = await vault.run(['code', 'bank']);
    expect(result.code).toBe(EXIT_CODES.VAULT_INTEGRITY);
    expect(result.stderr).toContain(`latchkey: that account is Bank (bob) (id ${vault.ids['bank'] ?? ''})`);
  });

  it('list marks the rows, in text and in JSON, with a warning naming each', async () => {
    const text = await vault.run(['list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^GitHub\s+alice\s+DAMAGED$/m);
    expect(text.stdout).toMatch(/^Bank\s+bob\s+DAMAGED$/m);
    expect(text.stdout).toMatch(/^Mail\s+me\s+\d{8}$/m);
    expect(text.stderr).toContain(`latchkey: warning: account ${vault.ids['github'] ?? ''} (GitHub (alice)) fails its integrity check (seed)`);
    const json = JSON.parse((await vault.run(['list', '--json'])).stdout) as Record<string, unknown>[];
    expect(json.find((row) => row['issuer'] === 'GitHub')).toMatchObject({ code: null, damaged: 'seed' });
    expect(json.find((row) => row['issuer'] === 'Bank')).toMatchObject({ damaged: 'seed' });
    expect(json.find((row) => row['issuer'] === 'Mail')).not.toHaveProperty('damaged');
  });
});
