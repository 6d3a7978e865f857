import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { inProcessCli } from './test-support/in-process.js';
import type { CliRun } from './test-support/spawn-cli.js';

/**
 * `latchkey keys sync` and `keys inventory` (issue 17) against an emulated YubiKey OATH card and
 * Nitrokey 3 kept in state files, each command a separate run as from a shell.
 */
const MAIL_SECRET = 'JBSWY3DPEHPK3PXP';
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads
const json = <T = unknown>(run: CliRun): T => JSON.parse(run.stdout) as T;

interface PlanJson {
  actions: { key: number; action: string; name: string; reason?: string }[];
  fits: boolean;
}

describe('keys sync and keys inventory', () => {
  it('a dry run shows the plan, --yes applies it, a second run has nothing to write; the inventory lists both keys', async () => {
    const cli = inProcessCli();
    const file = (name: string, text?: string) => {
      const path = join(cli.home, name);
      if (text !== undefined) writeFileSync(path, text);
      return path;
    };
    const vault = ['--password-file', file('password.txt', 'a long vault password for sync\n')];
    const keys = ['--emulator', `yubikey-oath:${file('yk.json')}`, '--emulator', `nitrokey3:${file('nk3.json')}`];
    expect((await cli.run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    expect((await cli.run(['add', '--secret', '-', '--issuer', 'Mail', '--label', 'me', ...vault], { stdin: `${MAIL_SECRET}\n` })).code).toBe(0);
    expect((await cli.run(['add', '--secret', '-', '--issuer', 'Game', '--label', 'steam', '--type', 'steam', ...vault], { stdin: `${MAIL_SECRET}\n` })).code).toBe(0);
    const listed = json<{ kind: string; serial: number }[]>(await cli.run(['keys', 'list', '--json', ...keys]));
    const serials = listed.map((key) => String(key.serial));
    expect(serials).toHaveLength(2);

    const ambiguous = await cli.run(['keys', 'sync', '--dry-run', ...vault, ...keys]);
    expect(ambiguous.code).toBe(EXIT_CODES.AMBIGUOUS);

    const dry = await cli.run(['keys', 'sync', '--to', ...serials, '--dry-run', '--json', ...vault, ...keys]);
    expect(dry.code).toBe(0);
    expect(json<PlanJson>(dry).actions.map((action) => [String(action.key), action.name, action.action])).toEqual([
      [serials[0], 'Mail:me', 'add'],
      [serials[0], 'Game:steam', 'unsupported'],
      [serials[1], 'Mail:me', 'add'],
      [serials[1], 'Game:steam', 'unsupported'],
    ]);

    const refused = await cli.run(['keys', 'sync', '--to', ...serials, ...vault, ...keys]);
    expect(refused.code).toBe(EXIT_CODES.CANCELLED);
    const applied = await cli.run(['keys', 'sync', '--to', ...serials, '--yes', '--json', ...vault, ...keys]);
    expect(applied.code).toBe(0);
    expect(json<{ applied: { name: string; check: string }[] }>(applied).applied.map((cell) => [cell.name, cell.check])).toEqual([
      ['Mail:me', 'code-match'],
      ['Mail:me', 'code-match'],
    ]);

    const again = await cli.run(['keys', 'sync', '--to', ...serials, '--yes', ...vault, ...keys]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to write.');

    const inventory = await cli.run(['keys', 'inventory', '--json', ...vault, ...keys]);
    expect(inventory.code).toBe(0);
    const accounts = json<{ accounts: { label: string; keys: number[] }[]; drift: unknown[] }>(inventory);
    expect(accounts.accounts.find((account) => account.label === 'me')?.keys.map(String).sort()).toEqual([...serials].sort());
    expect(accounts.drift).toEqual([]);
  });

  it('keys rebuild: a lost YubiKey rebuilt onto a fresh Nitrokey 3 (the only key plugged in) with the same names, touch flags and codes; the old serial marked lost', async () => {
    const cli = inProcessCli();
    const file = (name: string, text?: string) => {
      const path = join(cli.home, name);
      if (text !== undefined) writeFileSync(path, text);
      return path;
    };
    const vault = ['--password-file', file('password.txt', 'a long vault password for rebuild\n')];
    const lostKey = ['--emulator', `yubikey-oath:${file('lost.json')}`];
    const newKey = ['--emulator', `nitrokey3:${file('new.json')}`];
    expect((await cli.run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    expect((await cli.run(['add', '--secret', '-', '--issuer', 'Mail', '--label', 'me', ...vault], { stdin: `${MAIL_SECRET}\n` })).code).toBe(0);
    expect((await cli.run(['add', '--secret', '-', '--issuer', 'Bank', '--label', 'you', ...vault], { stdin: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n' })).code).toBe(0);
    const serialOf = async (key: string[]) => String(json<{ serial: number }[]>(await cli.run(['keys', 'list', '--json', ...key]))[0]?.serial);
    const [lost, fresh] = [await serialOf(lostKey), await serialOf(newKey)];
    expect((await cli.run(['keys', 'sync', 'Mail', '--yes', ...vault, ...lostKey])).code).toBe(0);
    expect((await cli.run(['keys', 'sync', 'Bank', '--touch', '--yes', ...vault, ...lostKey])).code).toBe(0);

    const dry = await cli.run(['keys', 'rebuild', '--from', lost, '--to', fresh, '--dry-run', '--json', ...vault, ...newKey]);
    expect(dry.code).toBe(0);
    expect(json<PlanJson>(dry).actions.map((action) => [action.name, action.action])).toEqual([
      ['Bank:you', 'add'],
      ['Mail:me', 'add'],
    ]);
    const done = await cli.run(['keys', 'rebuild', '--from', lost, '--to', fresh, '--yes', '--json', ...vault, ...newKey]);
    expect(done.code).toBe(0);
    expect(json<{ applied: { name: string; check: string }[]; lostAt: number }>(done).applied.map((cell) => [cell.name, cell.check])).toEqual([
      ['Bank:you', 'present'],
      ['Mail:me', 'code-match'],
    ]);

    interface InventoryJson {
      keys: { serial: number; lostAt?: number; credentials: { name: string; accountId: string; touch: boolean; type: string }[] }[];
      accounts: { label: string; keys: number[] }[];
    }
    const inventory = json<InventoryJson>(await cli.run(['keys', 'inventory', '--json', ...vault, ...newKey]));
    const keyOf = (serial: string) => inventory.keys.find((key) => String(key.serial) === serial);
    const held = (serial: string) => keyOf(serial)?.credentials.map((credential) => [credential.name, credential.accountId, credential.touch, credential.type]);
    expect(held(fresh)).toEqual(held(lost));
    expect(held(fresh)?.map(([name, , touch]) => [name, touch])).toEqual([
      ['Bank:you', true],
      ['Mail:me', false],
    ]);
    expect(keyOf(lost)?.lostAt).toBe(json<{ lostAt: number }>(done).lostAt);
    expect(inventory.accounts.map((account) => [account.label, account.keys.map(String)])).toEqual([
      ['me', [fresh]],
      ['you', [fresh]],
    ]);
    // The new key computes the vault's codes (the touch one too: the emulated key is touched).
    for (const query of ['Mail', 'Bank']) {
      const onKey = json<{ code: string }>(await cli.run(['keys', 'code', query, '--at', '1700000000', '--json', ...newKey]));
      const inVault = json<{ code: string }>(await cli.run(['code', query, '--at', '1700000000', '--json', ...vault]));
      expect(onKey.code).toBe(inVault.code);
    }
  });

  it('import --to-key and scan --to-key: a Google export and an Aegis file onto a key with and without --key-only, a QR too; without the flags import is as before', async () => {
    const cli = inProcessCli();
    const file = (name: string, text?: string) => {
      const path = join(cli.home, name);
      if (text !== undefined) writeFileSync(path, text);
      return path;
    };
    const vault = ['--password-file', file('password.txt', 'a long vault password for imports onto keys\n')];
    const yubikey = ['--emulator', `yubikey-oath:${file('yk.json')}`];
    const nitrokey = ['--emulator', `nitrokey3:${file('nk3.json')}`];
    expect((await cli.run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    const count = async () => json<unknown[]>(await cli.run(['list', '--json', ...vault])).length;
    // The vault file's account rows, read past the CLI: a key-only scan adds none.
    const entryRows = () => {
      const db = new Database(join(cli.env.LATCHKEY_HOME, 'vault.sqlite'), { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM entries').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const serialOf = async (key: string[]) => json<{ serial: number }[]>(await cli.run(['keys', 'list', '--json', ...key]))[0]?.serial ?? -1;
    const nk3 = String(await serialOf(nitrokey));
    const yk = String(await serialOf(yubikey));
    const google = join(REPO_ROOT, 'main/formats/google-migration/fixtures/golden.txt');
    const aegis = join(REPO_ROOT, 'main/formats/aegis/fixtures/plain-v3.json');
    const qr = join(REPO_ROOT, 'main/enroll/qr/fixtures/plain.png');
    interface ToKeyJson {
      accounts: unknown[];
      toKey: { actions: { name: string; action: string }[]; applied: { name: string; check: string }[]; addedToVault: string[] }[];
    }

    // A QR straight onto the YubiKey, key-only: no account row in the vault file.
    const scanned = await cli.run(['scan', qr, '--to-key', yk, '--key-only', '--yes', '--json', ...vault, ...yubikey]);
    expect(scanned.code).toBe(0);
    expect(json<ToKeyJson>(scanned).toKey[0]?.applied.map((cell) => [cell.name, cell.check])).toEqual([['Mailbox:user1@example.com', 'code-match']]);
    expect(await count()).toBe(0);
    expect(entryRows()).toBe(0);

    expect((await cli.run(['import', google, '--key-only', '--yes', ...vault])).code).toBe(EXIT_CODES.USAGE);
    const dry = await cli.run(['import', google, '--format', 'google-migration', '--to-key', nk3, '--key-only', '--dry-run', '--json', ...vault, ...nitrokey]);
    expect(dry.code).toBe(0);
    expect(json<ToKeyJson>(dry).toKey[0]?.applied).toEqual([]);
    const keyOnly = await cli.run(['import', google, '--format', 'google-migration', '--to-key', nk3, '--key-only', '--yes', '--json', ...vault, ...nitrokey]);
    expect(keyOnly.code).toBe(0);
    const written = json<ToKeyJson>(keyOnly).toKey[0];
    expect(written?.applied.length).toBeGreaterThan(5);
    expect(written?.applied.map((cell) => cell.name)).toEqual(written?.actions.filter((action) => action.action === 'add').map((action) => action.name));
    expect(written?.addedToVault).toEqual([]);
    expect(await count()).toBe(0);
    expect(entryRows()).toBe(0);

    const inventory = json<{ keys: { serial: number; credentials: { keyOnly?: boolean }[] }[] }>(await cli.run(['keys', 'inventory', '--json', ...vault, ...nitrokey]));
    expect(inventory.keys.find((key) => String(key.serial) === nk3)?.credentials.every((credential) => credential.keyOnly === true)).toBe(true);
    const rebuild = json<{ actions: { action: string }[]; impossible: { reason: string }[] }>(await cli.run(['keys', 'rebuild', '--from', nk3, '--to', yk, '--dry-run', '--json', ...vault, ...yubikey]));
    // Nothing to write: the YubiKey shows only its own key-only credential (the QR's).
    expect(rebuild.actions.map((action) => action.action)).toEqual(['key-only']);
    expect(rebuild.impossible).toHaveLength(written?.applied.length ?? -1);

    const intoVault = await cli.run(['import', aegis, '--to-key', yk, '--yes', '--json', ...vault, ...yubikey]);
    expect(intoVault.code).toBe(0);
    const aegisReply = json<ToKeyJson>(intoVault).toKey[0];
    expect(aegisReply?.addedToVault.length).toBeGreaterThan(5);
    expect(await count()).toBe(aegisReply?.addedToVault.length);
    expect(aegisReply?.applied.every((cell) => cell.check === 'code-match' || cell.check === 'present')).toBe(true);

    const before = await count();
    const kept = await cli.run(['scan', qr, '--to-key', yk, '--yes', '--json', ...vault, ...yubikey]);
    expect(kept.code).toBe(0);
    // Already in the vault from the Aegis file (same secret): nothing added, and identical on the key
    // (the Aegis sync found the key-only copy identical by its code and recorded it as the vault's).
    expect(json<ToKeyJson>(kept).toKey[0]?.actions.filter((action) => action.name === 'Mailbox:user1@example.com').map((action) => action.action)).toEqual(['identical']);
    expect(json<ToKeyJson>(kept).toKey[0]?.addedToVault).toEqual([]);
    expect(await count()).toBe(before);

    // Without the new flags, import and scan add to the vault as before, and no key is asked for.
    const plain = inProcessCli();
    const plainVault = ['--password-file', join(cli.home, 'password.txt')];
    expect((await plain.run(['init', '--kdf', '2,64', ...plainVault])).code).toBe(0);
    expect((await plain.run(['scan', qr, '--yes', ...plainVault])).stdout).toContain('Added 1 to the vault.');
    const imported = await plain.run(['import', google, '--format', 'google-migration', '--yes', ...plainVault]);
    // The export's 12 accounts, less the one the QR already added.
    expect(imported.stdout).toContain('Imported 11 accounts.');
  });

  it('a Nitrokey 3 with a PIN, planned without it: the room reads "at least" held and "at most" free; with --key-pin-file it is counted exactly', async () => {
    const cli = inProcessCli();
    const file = (name: string, text?: string) => {
      const path = join(cli.home, name);
      if (text !== undefined) writeFileSync(path, text);
      return path;
    };
    const vault = ['--password-file', file('password.txt', 'a long vault password for the nk3 room\n')];
    const key = ['--emulator', `nitrokey3:${file('nk3.json')}`];
    const pin = ['--key-pin-file', file('pin.txt', '123456\n')];
    expect((await cli.run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    expect((await cli.run(['add', '--secret', '-', '--issuer', 'Mail', '--label', 'me', ...vault], { stdin: `${MAIL_SECRET}\n` })).code).toBe(0);
    expect((await cli.run(['keys', 'pin', 'set', ...pin, ...key])).code).toBe(0);

    const blind = await cli.run(['keys', 'sync', '--dry-run', ...vault, ...key]);
    expect(blind.code, blind.stderr).toBe(0);
    expect(blind.stdout).toMatch(/^key \d+: at least 0 → 1 of 50 {2}\(at most 50 free: PIN-protected credentials are hidden without the PIN\)$/m);
    const blindJson = json<{ room: { held: number; hiddenByPin?: boolean }[]; warnings: string[] }>(await cli.run(['keys', 'sync', '--dry-run', '--json', ...vault, ...key]));
    expect(blindJson.room).toMatchObject([{ held: 0, hiddenByPin: true }]);
    expect(blindJson.warnings.some((warning) => warning.includes('at most 50 free'))).toBe(true);

    const counted = await cli.run(['keys', 'sync', '--dry-run', ...pin, ...vault, ...key]);
    expect(counted.code, counted.stderr).toBe(0);
    expect(counted.stdout).toMatch(/^key \d+: 0 → 1 of 50$/m);
    expect(counted.stdout).not.toContain('at most');
  });

  it('a HOTP account on a YubiKey (the inventory) is not added by a sync onto a new Nitrokey 3 alone: a skip naming the YubiKey, unless --choose puts it there too', async () => {
    const cli = inProcessCli();
    const file = (name: string, text?: string) => {
      const path = join(cli.home, name);
      if (text !== undefined) writeFileSync(path, text);
      return path;
    };
    const vault = ['--password-file', file('password.txt', 'a long vault password for one place\n')];
    const oldKey = ['--emulator', `yubikey-oath:${file('yk.json')}`];
    const newKey = ['--emulator', `nitrokey3:${file('nk3.json')}`];
    expect((await cli.run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    expect((await cli.run(['add', '--secret', '-', '--type', 'hotp', '--issuer', 'VPN', '--label', 'me', ...vault], { stdin: `${MAIL_SECRET}\n` })).code).toBe(0);
    expect((await cli.run(['add', '--secret', '-', '--issuer', 'Mail', '--label', 'me', ...vault], { stdin: `${MAIL_SECRET}\n` })).code).toBe(0);
    const serialOf = async (key: string[]) => String(json<{ serial: number }[]>(await cli.run(['keys', 'list', '--json', ...key]))[0]?.serial);
    const [old, fresh] = [await serialOf(oldKey), await serialOf(newKey)];
    expect((await cli.run(['keys', 'sync', 'VPN', '--yes', ...vault, ...oldKey])).code).toBe(0);

    const reason = `a HOTP account goes on one place only (each copy counts its own codes): it is already on key ${old}; --choose ${fresh}:VPN:me puts it here too`;
    const dry = await cli.run(['keys', 'sync', '--to', fresh, '--dry-run', ...vault, ...newKey]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`${fresh}  skip        VPN:me  — ${reason}\n${fresh}  add         Mail:me\n`);
    const applied = await cli.run(['keys', 'sync', '--to', fresh, '--yes', '--json', ...vault, ...newKey]);
    expect(applied.code).toBe(0);
    expect(json<{ applied: { name: string }[] }>(applied).applied.map((cell) => cell.name)).toEqual(['Mail:me']);
    const inventory = json<{ accounts: { label: string; issuer: string; keys: number[] }[] }>(await cli.run(['keys', 'inventory', '--json', ...vault, ...newKey]));
    expect(inventory.accounts.map((account) => [account.issuer, account.keys.map(String)])).toEqual([
      ['VPN', [old]],
      ['Mail', [fresh]],
    ]);

    const chosen = await cli.run(['keys', 'sync', 'VPN', '--to', fresh, '--choose', `${fresh}:VPN:me`, '--yes', '--json', ...vault, ...newKey]);
    expect(chosen.code).toBe(0);
    const chosenJson = json<{ applied: { name: string; check: string }[]; warnings: string[] }>(chosen);
    expect(chosenJson.applied.map((cell) => [cell.name, cell.check])).toEqual([['VPN:me', 'present']]);
    expect(chosenJson.warnings).toContain(`VPN:me: this HOTP account is already on key ${old}; put on key ${fresh} too, the copies count their codes apart and drift with use`);
  });

  it('a YubiKey access password sealed by keys password --remember-key-password opens the key for keys sync in a later run', async () => {
    const cli = inProcessCli();
    const file = (name: string, text?: string) => {
      const path = join(cli.home, name);
      if (text !== undefined) writeFileSync(path, text);
      return path;
    };
    const vault = ['--password-file', file('password.txt', 'a long vault password for remembered keys\n')];
    const key = ['--emulator', `yubikey-oath:${file('yk.json')}`];
    expect((await cli.run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    expect((await cli.run(['add', '--secret', '-', '--issuer', 'Mail', '--label', 'me', ...vault], { stdin: `${MAIL_SECRET}\n` })).code).toBe(0);
    expect((await cli.run(['keys', 'password', 'set', '--new-key-password-file', file('first.txt', 'first password\n'), ...vault, ...key])).code).toBe(0);
    // Not remembered: a later run can't open it without the password.
    expect((await cli.run(['keys', 'sync', '--dry-run', ...vault, ...key])).code).toBe(EXIT_CODES.KEY_PIN_REQUIRED);
    const set = await cli.run(['keys', 'password', 'set', '--key-password-file', file('first.txt'), '--new-key-password-file', file('key-password.txt', 'key password\n'), '--remember-key-password', ...vault, ...key]);
    expect(set.code).toBe(0);
    const synced = await cli.run(['keys', 'sync', '--yes', '--json', ...vault, ...key]);
    expect(synced.code).toBe(0);
    expect(json<{ applied: { name: string; check: string }[] }>(synced).applied.map((cell) => [cell.name, cell.check])).toEqual([['Mail:me', 'code-match']]);
    expect((await cli.run(['keys', 'inventory', '--json', ...vault, ...key])).code).toBe(0);
  });
});
