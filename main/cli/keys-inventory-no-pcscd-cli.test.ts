import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempHome, spawnCli, type CliRun } from './test-support/spawn-cli.js';

/**
 * `latchkey keys inventory` on a machine where pcscd is not running: the inventory is the vault's
 * sealed record, so it is printed all the same, with a warning naming the keys whose drift went
 * unchecked and pcscd's fix; exit 0. The vault's inventory is made first by a real sync onto emulated
 * keys; the inventory is then read by the real CLI looking for real keys, with libpcsclite pointed
 * at a socket in an empty folder (PCSCLITE_CSOCK_NAME), as a machine without pcscd has it.
 */
const SECRET = 'JBSWY3DPEHPK3PXP';
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads
const json = <T>(run: CliRun): T => JSON.parse(run.stdout) as T;

interface InventoryJson {
  accounts: { label: string; keys: number[] }[];
  seen: number[];
  drift: unknown[];
  unavailable?: string[];
}

describe('keys inventory without pcscd', () => {
  it('prints the inventory, names the keys not checked and how to start pcscd, exits 0; --json carries the same', async () => {
    const home = makeTempHome();
    const password = join(home, 'password.txt');
    writeFileSync(password, 'a long vault password for the inventory\n');
    const vault = ['--password-file', password];
    const keys = ['--emulator', `yubikey-oath:${join(home, 'yk.json')}`, '--emulator', `nitrokey3:${join(home, 'nk3.json')}`];
    const run = (args: string[], env: Record<string, string> = {}) => spawnCli(args, { home, env });
    expect((await run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    expect((await spawnCli(['add', '--secret', '-', '--issuer', 'Mail', '--label', 'me', ...vault], { home, stdin: `${SECRET}\n` })).code).toBe(0);
    const serials = json<{ serial: number }[]>(await run(['keys', 'list', '--json', ...keys])).map((key) => String(key.serial));
    expect(serials).toHaveLength(2);
    expect((await run(['keys', 'sync', '--to', ...serials, '--yes', ...vault, ...keys])).code).toBe(0);

    const noPcscd = { PCSCLITE_CSOCK_NAME: join(mkdtempSync(join(tmpdir(), 'latchkey-no-pcscd-')), 'pcscd.comm') };
    const sorted = [...serials].sort((a, b) => Number(a) - Number(b));
    const warning = `latchkey: warning: drift not checked on keys ${sorted.join(', ')}: smart card keys can't be reached: the PC/SC service pcscd is not running: start it with \`sudo systemctl start pcscd.socket\``;

    const text = await run(['keys', 'inventory', ...vault], noPcscd);
    expect({ code: text.code, stdout: text.stdout }).toEqual({ code: 0, stdout: `Mail:me  ${sorted.join(', ')}\n` });
    expect(text.stderr.startsWith(warning)).toBe(true);
    expect(text.stderr.split('\n').filter((line) => line !== '')).toHaveLength(1);

    const asJson = await run(['keys', 'inventory', '--json', ...vault], noPcscd);
    expect(asJson.code).toBe(0);
    const reply = json<InventoryJson>(asJson);
    expect(reply.accounts.map((account) => [account.label, account.keys.map(String)])).toEqual([['me', sorted]]);
    expect({ seen: reply.seen, drift: reply.drift }).toEqual({ seen: [], drift: [] });
    expect(reply.unavailable).toHaveLength(1);
    expect(reply.unavailable?.[0]).toMatch(/^smart card keys can't be reached: the PC\/SC service pcscd is not running: start it with `sudo systemctl start pcscd\.socket`/);
  });
});
