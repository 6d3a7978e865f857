import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { openEmulatedYubiKeyOath } from '../keys/emulators/yubikey-oath.js';
import { openEmulatedYubiKeyOtp } from '../keys/emulators/yubikey-otp.js';
import { inProcessCli } from './test-support/in-process.js';
import type { CliRun } from './test-support/spawn-cli.js';

/**
 * `latchkey keys sync --to SERIAL/otp`: a YubiKey's two OTP slots as a sync target, against the
 * emulated YubiKey OTP interface kept in a state file (each command a separate run, as from a
 * shell). The key's code is what the emulated key types when its slot is pressed.
 */
const HOTP_SECRET = 'JBSWY3DPEHPK3PXP';
const TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads
const json = <T = unknown>(run: CliRun): T => JSON.parse(run.stdout) as T;

interface PlanJson {
  actions: { key: number; target: string; action: string; name: string; reason?: string; slot?: number }[];
  room: { key: number; target: string; held: number; after: number; capacity: number }[];
  applied?: { key: number; target: string; name: string; check: string }[];
}

async function vaultWithAccounts() {
  const cli = inProcessCli();
  const file = (name: string, text?: string) => {
    const path = join(cli.home, name);
    if (text !== undefined) writeFileSync(path, text);
    return path;
  };
  const vault = ['--password-file', file('password.txt', 'a long vault password for OTP slots\n')];
  expect((await cli.run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
  // A slot starts a HOTP counter at a multiple of 16: 32 is one.
  const hotp = await cli.run(['add', '--secret', '-', '--type', 'hotp', '--counter', '32', '--issuer', 'Bank', '--label', 'otp', ...vault], { stdin: `${HOTP_SECRET}\n` });
  expect(hotp.code, hotp.stderr).toBe(0);
  expect((await cli.run(['add', '--secret', '-', '--issuer', 'Mail', '--label', 'me', ...vault], { stdin: `${TOTP_SECRET}\n` })).code).toBe(0);
  return { cli, file, vault };
}

describe('keys sync onto a YubiKey\'s OTP slots (SERIAL/otp)', () => {
  it('a HOTP account goes into the free slot and the key types the vault\'s code; a rerun is identical and writes nothing; a TOTP account there is unsupported, with the reason, in the plan', async () => {
    const { cli, file, vault } = await vaultWithAccounts();
    const state = file('otp.json');
    const key = ['--emulator', `yubikey-otp:${state}`];
    const listed = json<{ kind: string; serial: number }[]>(await cli.run(['keys', 'list', '--json', ...key]));
    expect(listed.map((entry) => entry.kind)).toEqual(['yubikey-otp']);
    const target = `${String(listed[0]?.serial)}/otp`;

    const dry = await cli.run(['keys', 'sync', '--to', target, '--dry-run', '--json', ...vault, ...key]);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = json<PlanJson>(dry);
    expect(plan.actions.map((action) => [action.target, action.name, action.action, action.slot])).toEqual([
      [target, 'Bank:otp', 'add', 2],
      [target, 'Mail:me', 'unsupported', undefined],
      // The factory Yubico OTP credential in slot 1 is the key's own: left as it is.
      [target, 'slot 1', 'key-only', 1],
    ]);
    expect(plan.actions.every((action) => String(action.key) === target.replace('/otp', ''))).toBe(true);
    expect(plan.actions[1]?.reason).toBe("a YubiKey OTP slot holds a HOTP account; this one is TOTP (TOTP needs the key's OATH application)");
    expect(plan.room.map((room) => [room.target, room.held, room.after, room.capacity])).toEqual([[target, 1, 2, 2]]);
    const dryText = await cli.run(['keys', 'sync', '--to', target, '--dry-run', ...vault, ...key]);
    expect(dryText.stdout).toContain(`${target}  unsupported Mail:me  — a YubiKey OTP slot holds a HOTP account`);
    expect(dryText.stdout).toContain(`key ${target}: 1 → 2 of 2`);
    const untouched = readFileSync(state, 'utf8');

    const applied = await cli.run(['keys', 'sync', '--to', target, '--yes', '--json', ...vault, ...key]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(json<PlanJson>(applied).applied?.map((cell) => [cell.target, cell.name, cell.check])).toEqual([[target, 'Bank:otp', 'present']]);
    expect(readFileSync(state, 'utf8')).not.toBe(untouched);

    // The inventory names the slot as the account's holder (from the record of what Latchkey wrote).
    const inventory = json<{ accounts: { label: string; keys: number[]; targets: string[] }[] }>(await cli.run(['keys', 'inventory', '--json', ...vault, ...key]));
    expect(inventory.accounts.map((account) => [account.label, account.keys, account.targets])).toEqual([
      ['otp', [], [target]],
      ['me', [], []],
    ]);
    expect((await cli.run(['keys', 'inventory', ...vault, ...key])).stdout).toContain(`Bank:otp  ${target}\nMail:me  (on no key)`);

    // A long press types slot 2: the key's first code is the vault's next one (peeked, not used up).
    const vaultCode = json<{ code: string }>(await cli.run(['code', 'Bank', '--peek', '--json', ...vault])).code;
    const written = readFileSync(state, 'utf8');
    const typed = openEmulatedYubiKeyOtp({ stateFile: state }).typeOtp(2);
    expect(typed).toMatch(/^\d{6}$/);
    expect(typed).toBe(vaultCode);
    writeFileSync(state, written);

    const again = await cli.run(['keys', 'sync', '--to', target, '--yes', ...vault, ...key]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${target}  identical   Bank:otp`);
    expect(again.stdout).toContain('Nothing to write.');
    expect(readFileSync(state, 'utf8')).toBe(written);

    // The account deleted from the vault: its slot is a removal, proposed only, applied with --choose TARGET:NAME.
    expect((await cli.run(['remove', 'Bank', '--yes', ...vault])).code).toBe(0);
    const proposed = await cli.run(['keys', 'sync', '--to', target, '--yes', ...vault, ...key]);
    expect(proposed.code, proposed.stderr).toBe(0);
    expect(proposed.stdout).toContain(`${target}  remove      slot 2 (proposed: --choose to apply)  — its vault account was deleted`);
    expect(readFileSync(state, 'utf8')).toBe(written);
    const emptied = await cli.run(['keys', 'sync', '--to', target, '--choose', `${target}:slot 2`, '--yes', '--json', ...vault, ...key]);
    expect(emptied.code, emptied.stderr).toBe(0);
    expect(json<PlanJson>(emptied).applied?.map((cell) => [cell.target, cell.name, cell.check])).toEqual([[target, 'slot 2', 'removed']]);
    expect(openEmulatedYubiKeyOtp({ stateFile: state }).snapshot().slots[1]).toBeNull();
  });

  it('import --to-key SERIAL/otp --key-only: a HOTP URI from a file straight into the free slot, never into the vault; the key types the code its secret gives; the TOTP one is unsupported there', async () => {
    const cli = inProcessCli();
    const file = (name: string, text?: string) => {
      const path = join(cli.home, name);
      if (text !== undefined) writeFileSync(path, text);
      return path;
    };
    const vault = ['--password-file', file('password.txt', 'a long vault password for OTP imports\n')];
    expect((await cli.run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    const state = file('otp.json');
    const key = ['--emulator', `yubikey-otp:${state}`];
    const target = `${String(json<{ serial: number }[]>(await cli.run(['keys', 'list', '--json', ...key]))[0]?.serial)}/otp`;
    const uris = file('uris.txt', `otpauth://hotp/Token:slot?secret=${HOTP_SECRET}&issuer=Token&counter=0\notpauth://totp/Web:me?secret=${TOTP_SECRET}&issuer=Web\n`);

    const imported = await cli.run(['import', uris, '--format', 'otpauth-list', '--to-key', target, '--key-only', '--yes', '--json', ...vault, ...key]);
    expect(imported.code, imported.stderr).toBe(0);
    const [reply] = json<{ toKey: PlanJson[] }>(imported).toKey;
    expect(reply?.actions.map((action) => [action.target, action.name, action.action])).toEqual([
      [target, 'Token:slot', 'add'],
      [target, 'Web:me', 'unsupported'],
      [target, 'slot 1', 'key-only'],
    ]);
    expect(reply?.applied?.map((cell) => [cell.target, cell.name, cell.check])).toEqual([[target, 'Token:slot', 'present']]);
    expect(json<unknown[]>(await cli.run(['list', '--json', ...vault]))).toEqual([]);

    const expected = json<{ code: string }>(await cli.run(['code', '--secret', '-', '--type', 'hotp', '--counter', '0', '--json'], { stdin: `${HOTP_SECRET}\n` })).code;
    expect(openEmulatedYubiKeyOtp({ stateFile: state }).typeOtp(2)).toBe(expected);
  });

  it('one YubiKey, both applications: --to SERIAL SERIAL/otp are two targets of one serial, the HOTP account on the first named that holds it; a rerun writes nothing; a malformed target is refused by name', async () => {
    const { cli, file, vault } = await vaultWithAccounts();
    const otpState = file('otp.json');
    const otpKey = ['--emulator', `yubikey-otp:${otpState}`];
    const serial = json<{ serial: number }[]>(await cli.run(['keys', 'list', '--json', ...otpKey]))[0]?.serial ?? -1;
    // The same YubiKey's OATH card: one serial for both applications, as on a real key.
    const oathState = file('oath.json');
    openEmulatedYubiKeyOath({ stateFile: oathState, serial });
    const keys = [...otpKey, '--emulator', `yubikey-oath:${oathState}`];
    const [oath, otp] = [String(serial), `${String(serial)}/otp`];

    const applied = await cli.run(['keys', 'sync', '--to', oath, otp, '--yes', '--json', ...vault, ...keys]);
    expect(applied.code, applied.stderr).toBe(0);
    const reply = json<PlanJson>(applied);
    expect(reply.actions.map((action) => [action.target, action.name, action.action])).toEqual([
      [oath, 'Bank:otp', 'add'],
      [oath, 'Mail:me', 'add'],
      [otp, 'Bank:otp', 'skip'],
      [otp, 'Mail:me', 'unsupported'],
      [otp, 'slot 1', 'key-only'],
    ]);
    // A HOTP account goes on one place only: the first target named that can hold it.
    expect(reply.actions[2]?.reason).toBe(`a HOTP account goes on one key only (each copy counts its own codes): it is on key ${oath}`);
    expect(reply.applied?.map((cell) => [cell.target, cell.name, cell.check])).toEqual([
      [oath, 'Bank:otp', 'present'],
      [oath, 'Mail:me', 'code-match'],
    ]);

    // Named the other way round, the slot comes first for the HOTP account; the OATH copy is kept by the record it already has.
    const both = await cli.run(['keys', 'sync', '--to', otp, oath, '--dry-run', '--json', ...vault, ...keys]);
    expect(json<PlanJson>(both).actions.map((action) => [action.target, action.name, action.action])).toEqual([
      [otp, 'Bank:otp', 'skip'],
      [otp, 'Mail:me', 'unsupported'],
      [otp, 'slot 1', 'key-only'],
      [oath, 'Bank:otp', 'identical'],
      [oath, 'Mail:me', 'identical'],
    ]);
    const again = await cli.run(['keys', 'sync', '--to', oath, otp, '--yes', ...vault, ...keys]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing to write.');

    const malformed = await cli.run(['keys', 'sync', '--to', `${String(serial)}/piv`, '--dry-run', ...vault, ...keys]);
    expect(malformed.code).toBe(EXIT_CODES.USAGE);
    expect(malformed.stderr).toContain(`--to takes a key's serial (digits, as \`latchkey keys list\` shows it) for its OATH accounts, or SERIAL/otp for a YubiKey's OTP slots, not "${String(serial)}/piv"`);
    const absent = await cli.run(['keys', 'sync', '--to', '4242/otp', '--dry-run', ...vault, ...keys]);
    expect(absent.code).toBe(EXIT_CODES.KEY_NOT_FOUND);
    expect(absent.stderr).toContain('no YubiKey with serial 4242 shows its OTP slots');
  });
  it('a slot the record names but the key says is empty (emptied by another program) is no longer said identical: the account is planned into it again', async () => {
    const { cli, file, vault } = await vaultWithAccounts();
    const key = ['--emulator', `yubikey-otp:${file('otp.json')}`];
    const target = `${String(json<{ serial: number }[]>(await cli.run(['keys', 'list', '--json', ...key]))[0]?.serial)}/otp`;
    expect((await cli.run(['keys', 'sync', '--to', target, '--yes', ...vault, ...key])).code).toBe(0);
    // ykman, or Latchkey without this vault: the slot is emptied and the record not told.
    const elsewhere = await cli.run(['keys', 'delete', '--slot', '2', '--yes', '--vault', file('no-vault-here.sqlite'), ...key]);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    const plan = json<PlanJson>(await cli.run(['keys', 'sync', '--to', target, '--dry-run', '--json', ...vault, ...key]));
    expect(plan.actions.filter((action) => action.name === 'Bank:otp').map((action) => [action.action, action.slot])).toEqual([['add', 2]]);
    expect(plan.room.map((room) => [room.held, room.after])).toEqual([[1, 2]]);
    const again = await cli.run(['keys', 'sync', '--to', target, '--yes', '--json', ...vault, ...key]);
    expect(again.code, again.stderr).toBe(0);
    expect(json<PlanJson>(again).applied?.map((cell) => [cell.name, cell.check])).toEqual([['Bank:otp', 'present']]);
  });
});
