import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
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
});
