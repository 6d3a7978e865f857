import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { createEmulatedNitrokey3Backend, openEmulatedNitrokey3 } from '../keys/emulators/nitrokey3.js';
import { createDevices } from '../service/devices.js';
import { inProcessCli } from './test-support/in-process.js';
import type { CliRun } from './test-support/spawn-cli.js';

/**
 * A Nitrokey 3 speaks CTAPHID over HID, so it works on a machine where pcscd is not running. The
 * CLI runs in this process with the real device layer: real PC/SC (the `smartcard` addon and
 * libpcsclite, pointed at a socket in an empty folder with PCSCLITE_CSOCK_NAME, as a machine without
 * pcscd has it) and an emulated Nitrokey 3 behind the HID backend, its state kept in a file. (A
 * spawned CLI can't be used: its `--emulator` replaces PC/SC with an emulated one too.)
 */
const SECRET = 'JBSWY3DPEHPK3PXP';
/** The reason and its fix (followed by how to install pcscd where it is missing). */
const PCSCD_FIX = /^smart card keys can't be reached: the PC\/SC service pcscd is not running: start it with `sudo systemctl start pcscd\.socket`/;
const oneLine = (text: string) => text.split('\n').filter((line) => line !== '');
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads
const json = <T>(run: CliRun): T => JSON.parse(run.stdout) as T;

describe('a Nitrokey 3 without pcscd', () => {
  beforeAll(() => {
    // libpcsclite reads it when it first connects: set before anything in this process uses PC/SC.
    process.env['PCSCLITE_CSOCK_NAME'] = join(mkdtempSync(join(tmpdir(), 'latchkey-no-pcscd-')), 'pcscd.comm');
  });

  it('keys list shows it and says PC/SC is unavailable; keys sync --to it works; inventory checks its drift; a key behind PC/SC is KEY_SERVICE_UNAVAILABLE', async () => {
    const cli = inProcessCli();
    const stateFile = join(cli.home, 'nk3.json');
    const serial = openEmulatedNitrokey3({ stateFile }).snapshot().serial;
    // Each command gets its own device layer (as each CLI process does), the key's state in its file.
    const run = (args: readonly string[], stdin?: string) =>
      cli.run(args, { keyDevices: createDevices({ backend: createEmulatedNitrokey3Backend({ stateFile }) }), ...(stdin === undefined ? {} : { stdin }) });
    const password = join(cli.home, 'password.txt');
    writeFileSync(password, 'a long vault password for the nitrokey\n');
    const vault = ['--password-file', password];
    expect((await run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    expect((await run(['add', '--secret', '-', '--issuer', 'Mail', '--label', 'me', ...vault], `${SECRET}\n`)).code).toBe(0);

    const listed = await run(['keys', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^nitrokey3  ${String(serial)}  secrets app \\S+\n$`));
    expect(listed.stdout.trim().split('\n')).toHaveLength(1);
    expect(oneLine(listed.stderr)).toHaveLength(1);
    expect(listed.stderr.replace(/^latchkey: warning: /, '')).toMatch(PCSCD_FIX);
    const listedJson = await run(['keys', 'list', '--json']);
    expect(json<{ kind: string; serial: number }[]>(listedJson).map((key) => [key.kind, key.serial])).toEqual([['nitrokey3', serial]]);

    const synced = await run(['keys', 'sync', '--to', String(serial), '--yes', '--json', ...vault]);
    expect({ code: synced.code, stderr: synced.stderr }).toEqual({ code: 0, stderr: '' });
    expect(openEmulatedNitrokey3({ stateFile }).snapshot().credentials.map((credential) => Buffer.from(credential.labelHex, 'hex').toString('utf8'))).toEqual(['Mail:me']);
    const again = json<{ actions: { action: string }[] }>(await run(['keys', 'sync', '--to', String(serial), '--dry-run', '--json', ...vault]));
    expect(again.actions.map((cell) => cell.action)).toEqual(['identical']);

    // The Nitrokey 3's drift is checked; the warning says only that other keys could not be looked for.
    const inventory = await run(['keys', 'inventory', '--json', ...vault]);
    expect(inventory.code).toBe(0);
    const report = json<{ seen: number[]; drift: unknown[]; unavailable?: string[] }>(inventory);
    expect({ seen: report.seen, drift: report.drift, unavailable: report.unavailable?.length }).toEqual({ seen: [serial], drift: [], unavailable: 1 });
    expect(report.unavailable?.[0]).toMatch(PCSCD_FIX);
    const inventoryText = await run(['keys', 'inventory', ...vault]);
    expect({ code: inventoryText.code, stdout: inventoryText.stdout }).toEqual({ code: 0, stdout: `Mail:me  ${String(serial)}\n` });
    expect(oneLine(inventoryText.stderr)).toHaveLength(1);
    expect(inventoryText.stderr.replace(/^latchkey: warning: keys other than those checked could not be looked for: /, '')).toMatch(PCSCD_FIX);

    // A key that may be behind PC/SC is not "not plugged in": the reason and its fix.
    const elsewhere = await run(['keys', 'credentials', '--key', '12345678', '--json']);
    expect(elsewhere.code).toBe(EXIT_CODES.KEY_SERVICE_UNAVAILABLE);
    const { error } = JSON.parse(elsewhere.stderr) as { error: { code: string; message: string } };
    expect(error.code).toBe('KEY_SERVICE_UNAVAILABLE');
    expect(error.message).toMatch(PCSCD_FIX);
    const syncElsewhere = await run(['keys', 'sync', '--to', '12345678', '--dry-run', ...vault]);
    expect(syncElsewhere.code).toBe(EXIT_CODES.KEY_SERVICE_UNAVAILABLE);
    expect(syncElsewhere.stderr.replace(/^latchkey: KEY_SERVICE_UNAVAILABLE: /, '')).toMatch(PCSCD_FIX);
  });
});
