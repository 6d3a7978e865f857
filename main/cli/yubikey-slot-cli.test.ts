import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { createEmulatedYubiKeyOtpBackend } from '../keys/emulators/yubikey-otp.js';
import { YubiOtpSession } from '../keys/yubikey-otp/index.js';
import { createDevices } from '../service/devices.js';
import { runCli } from './run-cli.js';
import { inProcessCli } from './test-support/in-process.js';
import { scriptedIo } from './test-support/scripted-io.js';
import type { CliRun } from './test-support/spawn-cli.js';

/**
 * Issue 15, item 5, from a shell's point of view: `vault add-key-slot`, unlock with the key in every
 * command (`--emulator` reaches the unlock), a password change that re-challenges, `vault
 * remove-slot`, and the recovery key when the key is gone. Each command is a separate run on the
 * emulated key's state file.
 */
const PASSWORD = 'a long vault password for the yubikey';
const TOUCH_LINE = 'latchkey: Touch your YubiKey…\n';

/** An HMAC-SHA1 challenge-response slot 2 (touch required), programmed through our driver into the key's state file. */
async function keyWithChallengeResponse(stateFile: string): Promise<number> {
  const backend = createEmulatedYubiKeyOtpBackend({ stateFile, touchPolicy: { kind: 'auto' } });
  const [descriptor] = await backend.devices();
  if (descriptor === undefined) throw new Error('no emulated key');
  const device = await backend.open(descriptor);
  try {
    const session = await YubiOtpSession.open(device);
    await session.programChallengeResponse(2, { key: new Uint8Array(randomBytes(20)), requireTouch: true });
    return await session.serial();
  } finally {
    await device.close();
  }
}

/** A key with no challenge-response slot (a fresh one: slot 1 holds Yubico's OTP credential only). */
async function plainKey(stateFile: string): Promise<void> {
  await createEmulatedYubiKeyOtpBackend({ stateFile, touchPolicy: { kind: 'auto' } }).devices();
}

interface SlotJson {
  id: string;
  kind: string;
  key?: { serial: number | null; slot: number };
}

describe('latchkey vault add-key-slot / remove-slot and unlocking with an emulated YubiKey', () => {
  const cli = inProcessCli();
  const passwordFile = join(cli.home, 'password.txt');
  const newPasswordFile = join(cli.home, 'new-password.txt');
  const recoveryFile = join(cli.home, 'recovery.txt');
  const keyFile = join(cli.home, 'key.json');
  const otherKeyFile = join(cli.home, 'other-key.json');
  const vault = ['--password-file', passwordFile];
  const withKey = ['--emulator', `yubikey-otp:${keyFile}`];
  const withOtherKey = ['--emulator', `yubikey-otp:${otherKeyFile}`];
  let serial: number;
  const run = (args: readonly string[]): Promise<CliRun> => cli.run(args);
  const slotsOf = async (args: readonly string[]) => (JSON.parse((await run(['vault', 'slots', '--json', ...args])).stdout) as SlotJson[]).map((slot) => slot.kind).sort();

  beforeAll(async () => {
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    writeFileSync(newPasswordFile, 'the next long vault password here\n');
    const init = await run(['init', '--kdf', '2,64', '--json', ...vault]);
    expect(init.code).toBe(0);
    writeFileSync(recoveryFile, `${(JSON.parse(init.stdout) as { recoveryKey: string }).recoveryKey}\n`);
    serial = await keyWithChallengeResponse(keyFile);
    await plainKey(otherKeyFile);
  });

  it('add-key-slot says the recovery key still opens the vault, and that the plain slot still lets the password alone in', async () => {
    const added = await run(['vault', 'add-key-slot', ...vault, ...withKey]);
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toContain(`Added password+yubikey (YubiKey ${String(serial)}, slot 2).`);
    expect(added.stdout).toContain('the recovery key still opens the vault');
    expect(added.stdout).toContain("remove it with 'latchkey vault remove-slot --kind password'");
    expect(added.stderr.split(TOUCH_LINE)).toHaveLength(2);
    // The plain password slot is still there: no key needed, none asked.
    expect(await run(['list', ...vault])).toMatchObject({ code: 0, stderr: '' });
  });

  it('remove-slot --kind password: then every command unlocks with the password and one touch', async () => {
    expect(await run(['vault', 'remove-slot', '--kind', 'password', ...vault])).toMatchObject({ code: EXIT_CODES.USAGE });
    const removed = await run(['vault', 'remove-slot', '--kind', 'password', '--yes', ...vault, ...withKey]);
    expect(removed).toMatchObject({ code: 0 });
    expect(removed.stdout).toMatch(/^Removed the password slot [0-9a-f]{32}\.\n$/);
    expect(await slotsOf([...vault, ...withKey])).toEqual(['password+yubikey', 'recovery']);

    const listed = await run(['list', ...vault, ...withKey]);
    expect(listed).toMatchObject({ code: 0, stderr: TOUCH_LINE });
    const statusRun = await run(['vault', 'status', '--json', ...vault, ...withKey]);
    // Someone must touch the key: asked on stderr with --json too (stdout stays JSON).
    expect(statusRun.stderr).toBe(TOUCH_LINE);
    const status = JSON.parse(statusRun.stdout) as { slots: SlotJson[] };
    expect(status.slots.find((slot) => slot.kind === 'password+yubikey')?.key).toEqual({ serial, slot: 2 });
  });

  it('a key without the slot: KEY_NOT_FOUND, not a wrong password; the recovery key still opens', async () => {
    const refused = await run(['list', ...vault, ...withOtherKey]);
    expect(refused).toMatchObject({ code: EXIT_CODES.KEY_NOT_FOUND, stderr: 'latchkey: KEY_NOT_FOUND: this vault needs its YubiKey; plug it in or use the recovery key\n' });
    expect(await run(['list', '--recovery-key-file', recoveryFile])).toMatchObject({ code: 0 });
    const wrong = join(cli.home, 'wrong.txt');
    writeFileSync(wrong, 'not the vault password at all\n');
    const wrongPassword = await run(['list', '--password-file', wrong, ...withKey]);
    expect(wrongPassword.code).toBe(EXIT_CODES.VAULT_WRONG_PASSWORD);
    expect(wrongPassword.stderr).toContain('wrong password or wrong key');
  });

  it('the last ways in stay: the recovery slot and the only key slot are refused', async () => {
    for (const kind of ['recovery', 'password+yubikey']) {
      const refused = await run(['vault', 'remove-slot', '--kind', kind, '--yes', ...vault, ...withKey]);
      expect(refused.code).toBe(EXIT_CODES.USAGE);
      // Refused before the password is checked again: the unlock's touch only.
      expect(refused.stderr.split(TOUCH_LINE)).toHaveLength(2);
    }
    expect(await slotsOf([...vault, ...withKey])).toEqual(['password+yubikey', 'recovery']);
  });

  it('vault passwd re-challenges the key slot (a touch), and drops it only with --yes when its key is away', async () => {
    const changed = await run(['vault', 'passwd', '--new-password-file', newPasswordFile, '--json', ...vault, ...withKey]);
    expect(changed).toMatchObject({ code: 0 });
    expect(JSON.parse(changed.stdout)).toMatchObject({ rechallenged: 1, droppedKeySlots: [] });
    const newVault = ['--password-file', newPasswordFile];
    expect(await run(['list', ...newVault, ...withKey])).toMatchObject({ code: 0 });

    // Opened with the recovery key (the key is away): the change names the slot it would drop.
    const refused = await run(['vault', 'passwd', '--recovery-key-file', recoveryFile, '--new-password-file', passwordFile, ...withOtherKey]);
    expect(refused.code).toBe(EXIT_CODES.KEY_NOT_FOUND);
    expect(refused.stderr).toContain('is not plugged in');
    const dropped = await run(['vault', 'passwd', '--recovery-key-file', recoveryFile, '--new-password-file', passwordFile, '--yes', ...withOtherKey]);
    expect(dropped).toMatchObject({ code: 0 });
    expect(dropped.stdout).toContain('whose key was not plugged in');
    expect(await slotsOf(vault)).toEqual(['password', 'recovery']);
  });
});

describe('latchkey vault add-key-slot at a terminal', () => {
  it('offers a backup key, then the removal of the plain password slot; either key then opens the vault', async () => {
    const cli = inProcessCli();
    const passwordFile = join(cli.home, 'password.txt');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    const vault = ['--password-file', passwordFile];
    const [first, second] = [join(cli.home, 'first.json'), join(cli.home, 'second.json')];
    const firstSerial = await keyWithChallengeResponse(first);
    const secondSerial = await keyWithChallengeResponse(second);
    expect((await cli.run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    const both = ['--emulator', `yubikey-otp:${first}`, '--emulator', `yubikey-otp:${second}`];

    const terminal = scriptedIo({ answers: ['y', 'n', 'y'], env: cli.env });
    expect(await runCli(['vault', 'add-key-slot', '--key', String(firstSerial), ...vault, ...both], terminal.io)).toBe(0);
    expect(terminal.asked).toEqual([
      'Add a backup YubiKey too? Plug it in beside this one, then answer y [y/N] ',
      'Add a backup YubiKey too? Plug it in beside this one, then answer y [y/N] ',
      'Remove the plain password slot, so the password alone no longer opens the vault? [y/N] ',
    ]);
    expect(terminal.err()).toContain(`latchkey: added password+yubikey (YubiKey ${String(secondSerial)}, slot 2).`);
    expect(terminal.out()).toContain('The plain password slot was removed');
    expect(terminal.out()).toContain('the recovery key still opens the vault');

    // Nothing on disk says which slot belongs to which key (that would name the key to anyone with the
    // file): a key is asked each slot's challenge in turn, so the backup key may cost a touch per slot.
    expect(await cli.run(['list', ...vault, '--emulator', `yubikey-otp:${first}`])).toMatchObject({ code: 0, stderr: TOUCH_LINE });
    const byBackup = await cli.run(['list', ...vault, '--emulator', `yubikey-otp:${second}`]);
    expect(byBackup.code).toBe(0);
    expect(byBackup.stderr.split(TOUCH_LINE).length - 1).toBeGreaterThanOrEqual(1);
    expect((await cli.run(['list', ...vault])).code).not.toBe(0);
  });
});

describe('unlocking at a terminal when the key is not plugged in', () => {
  it('waits for the key instead of failing, and counts no attempt', async () => {
    const cli = inProcessCli();
    const passwordFile = join(cli.home, 'password.txt');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    const keyFile = join(cli.home, 'key.json');
    await keyWithChallengeResponse(keyFile);
    expect((await cli.run(['init', '--kdf', '2,64', '--password-file', passwordFile])).code).toBe(0);
    const withKey = ['--emulator', `yubikey-otp:${keyFile}`];
    expect((await cli.run(['vault', 'add-key-slot', '--remove-password-slot', '--password-file', passwordFile, ...withKey])).code).toBe(0);

    const key = createEmulatedYubiKeyOtpBackend({ stateFile: keyFile });
    key.unplug();
    const terminal = scriptedIo({ answers: [PASSWORD, ''], env: cli.env });
    // The key is plugged in while the user is asked to.
    const prompt = terminal.io.prompt.bind(terminal.io);
    terminal.io.prompt = (question, options) => {
      if (question.includes('Press Enter once it is plugged in')) key.plugIn();
      return prompt(question, options);
    };
    expect(await runCli(['list'], terminal.io, { keyDevices: createDevices({ backend: key }) })).toBe(0);
    expect(terminal.asked).toEqual([
      'Vault password (or just Enter to use the recovery key): ',
      'latchkey: this vault needs its YubiKey; plug it in or use the recovery key. Press Enter once it is plugged in (q to stop): ',
    ]);
    expect(terminal.err()).toContain(TOUCH_LINE);
    // The wait for the key was no wrong attempt: the next wrong password is the first failure.
    const wrong = join(cli.home, 'wrong.txt');
    writeFileSync(wrong, 'not the vault password at all\n');
    const refused = await cli.run(['list', '--json', '--password-file', wrong], { keyDevices: createDevices({ backend: key }) });
    // The key was asked (a touch), then the error as JSON.
    expect(refused.stderr.startsWith(TOUCH_LINE)).toBe(true);
    expect(JSON.parse(refused.stderr.slice(TOUCH_LINE.length))).toMatchObject({ error: { code: 'VAULT_WRONG_PASSWORD', details: { failures: 1 } } });
  });
});
