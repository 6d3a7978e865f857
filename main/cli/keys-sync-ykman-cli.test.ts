import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePcscdMissing, startPrivatePcscd, type PrivatePcscd, type RunResult } from '../keys/emulators/pcscd/private-pcscd.js';
import { startEmulatorCli } from '../keys/emulators/test-support/emulate-cli.js';
import { inProcessCli } from './test-support/in-process.js';
import type { CliRun } from './test-support/spawn-cli.js';

/**
 * `latchkey keys inventory` showing drift that Yubico's ykman made (issue 17), as a user meets it:
 * the CLI syncs to an emulated YubiKey kept in a state file, `npm run emulate -- yubikey-oath --vpcd
 * … --state FILE` serves that same card to a private pcscd, ykman deletes one account and adds
 * another, the server saves and stops, and the CLI's inventory of the file shows both cells.
 * (sync-ykman.test.ts checks the same drift through the sync core.)
 */
const has = (tool: string) => spawnSync('which', [tool]).status === 0;
const missing = privatePcscdMissing() ?? (has('ykman') ? null : 'ykman is not installed (Debian: apt install yubikey-manager)');
// On CI a missing pcscd or ykman fails the run instead of skipping it quietly.
const onCi = process.env['CI'] === 'true';
/** One secret per account: the vault refuses a second account with the same secret as a duplicate. */
const SECRETS = { Kept: 'JBSWY3DPEHPK3PXP', Deleted: 'GEZDGNBVGY3TQOJQ', Outside: 'MFRGGZDFMZTWQ2LK' } as const;

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads
const json = <T = unknown>(run: CliRun): T => JSON.parse(run.stdout) as T;

interface InventoryJson {
  seen: number[];
  drift: { key: number; name: string; change: string }[];
}

describe.skipIf(missing !== null && !onCi)(`keys inventory shows drift made by ykman through a private pcscd${missing === null ? '' : ` (skipped: ${missing})`}`, () => {
  let pcscd: PrivatePcscd | null = null;

  beforeAll(async () => {
    if (missing !== null) return;
    pcscd = await startPrivatePcscd();
  });

  afterAll(async () => {
    await pcscd?.stop();
  });

  /** ykman against slot 0's reader; pcscd polls for a newly served card, so a first failure is retried for a while. */
  async function ykman(args: readonly string[], home: string): Promise<string> {
    const started = pcscd;
    if (started === null) throw new Error('no private pcscd');
    const deadline = Date.now() + 15_000;
    for (;;) {
      // HOME apart, so ykman neither reads nor writes the user's remembered passwords.
      const result: RunResult = await started.run('ykman', ['--reader', started.readerName, ...args], { timeoutMs: 40_000, env: { HOME: home } });
      if (result.code === 0) return result.stdout;
      if (Date.now() > deadline) throw new Error(`ykman ${args.join(' ')}: ${result.stderr}\n${started.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('an account ykman deleted and one it added show as drift cells of the synced serial', async () => {
    const started = pcscd;
    if (started === null) throw new Error(missing ?? 'no private pcscd');
    const cli = inProcessCli();
    const stateFile = join(cli.home, 'yubikey.json');
    const passwordFile = join(cli.home, 'password.txt');
    writeFileSync(passwordFile, 'a long vault password for the ykman drift\n');
    const vault = ['--password-file', passwordFile];
    const key = ['--emulator', `yubikey-oath:${stateFile}`];
    expect((await cli.run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    for (const issuer of ['Kept', 'Deleted'] as const) {
      const added = await cli.run(['add', '--secret', '-', '--issuer', issuer, '--label', 'me', ...vault], { stdin: `${SECRETS[issuer]}\n` });
      expect(added.code, added.stderr).toBe(0);
    }
    // Synced before the card is served: the state file then holds both accounts and the serial the inventory knows.
    const synced = await cli.run(['keys', 'sync', '--yes', ...vault, ...key]);
    expect(synced.code, synced.stderr).toBe(0);
    const clean = await cli.run(['keys', 'inventory', '--json', ...vault, ...key]);
    expect(clean.code, clean.stderr).toBe(0);
    const before = json<InventoryJson>(clean);
    expect(before.drift).toEqual([]);
    expect(before.seen).toHaveLength(1);
    const serial = before.seen[0];

    const served = await startEmulatorCli(['yubikey-oath', '--vpcd', `127.0.0.1:${String(started.vpcdPort)}`, '--state', stateFile, '--touch', 'never']);
    try {
      await ykman(['oath', 'accounts', 'delete', '-f', 'Deleted:me'], cli.home);
      await ykman(['oath', 'accounts', 'add', '-f', '-i', 'Outside', 'three', SECRETS.Outside], cli.home);
    } finally {
      // The server saves each change to the state file; a clean exit means nothing was left unsaved.
      expect(await served.stop()).toBe(0);
    }

    const inventory = await cli.run(['keys', 'inventory', '--json', ...vault, ...key]);
    expect(inventory.code, inventory.stderr).toBe(0);
    expect(json<InventoryJson>(inventory).drift.map((cell) => [cell.key, cell.name, cell.change])).toEqual([
      [serial, 'Deleted:me', 'removed'],
      [serial, 'Outside:three', 'added'],
    ]);
  }, 120_000);
});
