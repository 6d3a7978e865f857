import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { createManualClock } from '../keys/clock.js';
import { createEmulatedNitrokey3Backend, NK3_TOUCH_TIMEOUT_MS, nk3StateToJson, openEmulatedNitrokey3, type OpenEmulatedNitrokey3Options } from '../keys/emulators/nitrokey3.js';
import { openEmulatedYubiKeyOath } from '../keys/emulators/yubikey-oath.js';
import { createEmulatedPcscBackend } from '../keys/emulators/yubikey-oath/pcsc.js';
import { createDevices } from '../service/devices.js';
import { createEmulatedYubiKeyOtpBackend, openEmulatedYubiKeyOtp } from '../keys/emulators/yubikey-otp.js';
import type { HidBackend } from '../keys/hid/hid-device.js';
import { pcscServiceUnavailable } from '../keys/pcsc/pcsc-errors.js';
import type { CliIo } from './io.js';
import { runCli } from './run-cli.js';
import { inProcessCli } from './test-support/in-process.js';
import { scriptedIo } from './test-support/scripted-io.js';
import type { CliRun } from './test-support/spawn-cli.js';

/**
 * Issue 16, item 5: `latchkey keys credentials|code|add|delete|rename|pin|password|reset` against the
 * emulated YubiKey OATH card and Nitrokey 3, through their state files (each command a separate run,
 * as from a shell). Codes are checked against Debian's oathtool and the vault's own `code`; what the
 * key holds is read back from the emulator's state file.
 */
const MAIL_SECRET = 'JBSWY3DPEHPK3PXP';
const SHA256_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA';
const NO_HID = { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('no HID device here')) };

interface Setup {
  readonly run: (args: readonly string[], options?: Parameters<ReturnType<typeof inProcessCli>['run']>[1]) => Promise<CliRun>;
  readonly vault: readonly string[];
  readonly file: (name: string, text?: string) => string;
}

const withoutProgress = (run: CliRun): CliRun => ({ ...run, stderr: run.stderr.replace(/^latchkey: (?!warning: )(?![A-Z_]+: )(?!Touch).*…\n/gm, '') });
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads
const json = <T = unknown>(run: CliRun): T => JSON.parse(run.stdout) as T;
const oathtool = (args: readonly string[]) => execFileSync('oathtool', [...args], { encoding: 'utf8' }).trim();

async function setup(): Promise<Setup> {
  const cli = inProcessCli();
  const file = (name: string, text?: string) => {
    const path = join(cli.home, name);
    if (text !== undefined) writeFileSync(path, text);
    return path;
  };
  const vault = ['--password-file', file('password.txt', 'a long vault password for keys\n')];
  const run: Setup['run'] = async (args, options) => withoutProgress(await cli.run(args, options));
  expect((await run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
  const add = async (args: string[], secret: string) => {
    expect(await run(['add', '--secret', '-', '--allow-duplicate', ...args, ...vault], { stdin: `${secret}\n` })).toMatchObject({ code: 0, stderr: '' });
  };
  await add(['--issuer', 'Mail', '--label', 'me'], MAIL_SECRET);
  await add(['--issuer', 'Cloud', '--label', 'ops', '--algorithm', 'SHA256', '--digits', '8', '--period', '60'], SHA256_SECRET);
  await add(['--issuer', 'Bank', '--label', 'bob', '--type', 'hotp', '--counter', '3'], MAIL_SECRET);
  await add(['--issuer', 'Strong', '--label', 'x', '--algorithm', 'SHA512'], SHA256_SECRET);
  await add(['--issuer', 'Game', '--label', 'steam', '--type', 'steam'], MAIL_SECRET);
  await add(['--issuer', 'Long', '--label', 'y'.repeat(70)], MAIL_SECRET);
  return { run, vault, file };
}

const yubikey = (file: string) => ['--emulator', `yubikey-oath:${file}`];
const nitrokey = (file: string) => ['--emulator', `nitrokey3:${file}`];

interface CredentialsJson {
  key: { kind: string; serial: number };
  capacity: number;
  credentials: { name: string; type: string; algorithm: string | null }[];
}

describe('latchkey keys (OATH), against an emulated YubiKey with a state file', () => {
  let s: Setup;
  let key: string;
  beforeAll(async () => {
    s = await setup();
    key = s.file('yubikey.json');
  });

  it('keys add copies vault accounts onto the key (asks the vault password again); each TOTP verified on the key', async () => {
    const added = await s.run(['keys', 'add', 'mail', 'cloud', 'bank', '--json', ...s.vault, ...yubikey(key)]);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const reply = json<{ key: { kind: string }; written: { credential: { name: string }; verified: boolean | null }[] }>(added);
    expect(reply.key.kind).toBe('yubikey-oath');
    expect(reply.written.map((entry) => [entry.credential.name, entry.verified])).toEqual([
      ['Mail:me', true],
      ['60/Cloud:ops', true],
      ['Bank:bob', null],
    ]);
    const state = openEmulatedYubiKeyOath({ stateFile: key }).snapshot();
    expect(state.credentials.map((credential) => Buffer.from(credential.idHex, 'hex').toString('utf8'))).toEqual(['Mail:me', '60/Cloud:ops', 'Bank:bob']);
  });

  it('keys credentials lists them (no vault needed); keys list shows the OATH key', async () => {
    const listed = await s.run(['keys', 'credentials', '--json', ...yubikey(key)]);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const value = json<CredentialsJson>(listed);
    expect(value.capacity).toBe(32);
    expect(value.credentials.map((c) => [c.name, c.type, c.algorithm])).toEqual([
      ['Mail:me', 'totp', 'SHA1'],
      ['60/Cloud:ops', 'totp', 'SHA256'],
      ['Bank:bob', 'hotp', 'SHA1'],
    ]);
    const keys = await s.run(['keys', 'list', '--json', ...yubikey(key)]);
    expect(json(keys)).toEqual([{ kind: 'yubikey-oath', serial: value.key.serial, firmware: '5.4.3', emulated: true }]);
  });

  it('keys code QUERY: the key computes oathtool\'s code and the vault\'s; --json as code --json plus key', async () => {
    const at = 1_700_000_000;
    const mail = await s.run(['keys', 'code', 'mail', '--at', String(at), '--json', ...yubikey(key)]);
    expect(mail).toMatchObject({ code: 0, stderr: '' });
    const expected = oathtool(['--totp', '-b', '--now', new Date(at * 1000).toISOString(), MAIL_SECRET]);
    const vaultCode = json<{ code: string }>(await s.run(['code', 'mail', '--at', String(at), '--json', ...s.vault])).code;
    expect(vaultCode).toBe(expected);
    const serial = openEmulatedYubiKeyOath({ stateFile: key }).snapshot().serial;
    // The YubiKey's CALCULATE ALL does not say the algorithm: null, never guessed.
    expect(json(mail)).toEqual({ account: { type: 'totp', issuer: 'Mail', label: 'me', algorithm: null, digits: 6, period: 30 }, code: expected, validFrom: 1_699_999_980, validUntil: 1_700_000_010, key: serial });

    const cloud = await s.run(['keys', 'code', 'cld', '--at', String(at), ...yubikey(key)]); // letters in order, as `code` matches
    expect(cloud.stdout.trim()).toBe(oathtool(['--totp=sha256', '-b', '-d', '8', '-s', '60', '--now', new Date(at * 1000).toISOString(), SHA256_SECRET]));
  });

  it('several matches print every one and exit AMBIGUOUS; the HOTP is computed only alone', async () => {
    const both = await s.run(['keys', 'code', 'a', ...yubikey(key)]); // no prefix matches; "a" is in Mail and Bank
    expect(both.code).toBe(EXIT_CODES.AMBIGUOUS);
    expect(both.stdout).toMatch(/^Mail:me: \d{6}\nBank:bob: \(HOTP: ask for it alone\)\n$/);
    expect(both.stderr).toBe('latchkey: AMBIGUOUS: 2 credentials match "a"; be more specific\n');
    const hotp = await s.run(['keys', 'code', 'bank', ...yubikey(key)]);
    expect(hotp.stdout.trim()).toBe(oathtool(['-b', '-c', '3', MAIL_SECRET]));
  });

  it('refusals name the reason and write nothing: Steam, a name over 64 bytes, a clash without --overwrite', async () => {
    const before = readFileSync(key, 'utf8');
    const steam = await s.run(['keys', 'add', 'steam', ...s.vault, ...yubikey(key)]);
    expect(steam.code).toBe(EXIT_CODES.KEY_UNSUPPORTED);
    expect(steam.stderr).toMatch(/Steam Guard codes are not OATH codes/);
    const long = await s.run(['keys', 'add', 'long', ...s.vault, ...yubikey(key)]);
    expect(long.code).toBe(EXIT_CODES.ACCOUNT_INVALID);
    expect(long.stderr).toMatch(/the name is 75 bytes .*this key holds at most 64/);
    const clash = await s.run(['keys', 'add', 'mail', ...s.vault, ...yubikey(key)]);
    expect(clash.code).toBe(EXIT_CODES.KEY_CREDENTIAL_EXISTS);
    expect(clash.stderr).toMatch(/already holds "Mail:me"; nothing was written/);
    expect(readFileSync(key, 'utf8')).toBe(before);
    const replaced = await s.run(['keys', 'add', 'mail', '--overwrite', '--json', ...s.vault, ...yubikey(key)]);
    expect(json(replaced)).toMatchObject({ written: [{ credential: { name: 'Mail:me' }, overwritten: true, verified: true }] });
  });

  it('rename (firmware 5.4.3 has it), delete NAME (--yes without a terminal)', async () => {
    const renamed = await s.run(['keys', 'rename', 'Bank:bob', 'Bank:robert', ...yubikey(key)]);
    expect(renamed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Renamed Bank:bob to Bank:robert on YubiKey \d+/) as unknown });
    const unconfirmed = await s.run(['keys', 'delete', 'Bank:robert', ...yubikey(key)]);
    expect(unconfirmed.code).toBe(EXIT_CODES.USAGE);
    const deleted = await s.run(['keys', 'delete', 'Bank:robert', '--yes', ...yubikey(key)]);
    expect(deleted.code).toBe(0);
    const missing = await s.run(['keys', 'delete', 'Bank:robert', '--yes', ...yubikey(key)]);
    expect(missing.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(json<CredentialsJson>(await s.run(['keys', 'credentials', '--json', ...yubikey(key)])).credentials.map((c) => c.name)).toEqual(['Mail:me', '60/Cloud:ops']);
  });

  it('rename is KEY_UNSUPPORTED on firmware before 5.3.1', async () => {
    const old = s.file('old-yubikey.json');
    openEmulatedYubiKeyOath({ stateFile: old, firmware: [5, 2, 7] });
    expect((await s.run(['keys', 'add', 'mail', ...s.vault, ...yubikey(old)])).code).toBe(0);
    const refused = await s.run(['keys', 'rename', 'Mail:me', 'Mail:you', ...yubikey(old)]);
    expect(refused.code).toBe(EXIT_CODES.KEY_UNSUPPORTED);
  });
});

describe('latchkey keys (OATH), against an emulated Nitrokey 3 with a state file', () => {
  let s: Setup;
  let key: string;
  beforeAll(async () => {
    s = await setup();
    key = s.file('nk3.json');
  });

  it('SHA512 is refused for an NK3 before any PUT (it would store it and never compute it); the rest goes on', async () => {
    const refused = await s.run(['keys', 'add', 'mail', 'strong', ...s.vault, ...nitrokey(key)]);
    expect(refused.code).toBe(EXIT_CODES.KEY_UNSUPPORTED);
    expect(refused.stderr).toMatch(/^latchkey: KEY_UNSUPPORTED: Strong \(x\) can't go on this key: .*SHA512.*; nothing was written\n$/);
    expect(openEmulatedNitrokey3({ stateFile: key }).snapshot().credentials).toEqual([]);
    const added = await s.run(['keys', 'add', 'mail', 'cloud', '--json', ...s.vault, ...nitrokey(key)]);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(json<{ key: { kind: string }; written: { verified: boolean }[] }>(added)).toMatchObject({ key: { kind: 'nitrokey3' }, written: [{ verified: true }, { verified: true }] });
  });

  it('keys code on the NK3 equals oathtool; the name up to 127 bytes fits here, where a YubiKey refuses it', async () => {
    const at = 1_234_567_890;
    const code = await s.run(['keys', 'code', 'mail', '--at', String(at), ...nitrokey(key)]);
    expect(code).toMatchObject({ code: 0, stderr: '' });
    expect(code.stdout.trim()).toBe(oathtool(['--totp', '-b', '--now', new Date(at * 1000).toISOString(), MAIL_SECRET]));
    expect((await s.run(['keys', 'add', 'long', ...s.vault, ...nitrokey(key)])).code).toBe(0);
  });

  it('pin set, verify (wrong: KEY_PIN_WRONG with the attempts left, down the retries), change', async () => {
    const pin = s.file('pin.txt', '123456\n');
    const wrong = s.file('wrong.txt', '999999\n');
    const next = s.file('next.txt', '654321\n');
    expect((await s.run(['keys', 'pin', 'verify', '--key-pin-file', pin, ...nitrokey(key)])).code).toBe(EXIT_CODES.INVALID_REQUEST); // no PIN yet
    const set = await s.run(['keys', 'pin', 'set', '--key-pin-file', pin, '--json', ...nitrokey(key)]);
    // The NK3 asks for a touch to set its PIN (nk3 sheet §5): asked for on stderr, with --json too.
    expect(set).toMatchObject({ code: 0, stderr: 'latchkey: Touch your key…\n' });
    expect(json(set)).toMatchObject({ key: { kind: 'nitrokey3' }, attemptsRemaining: 8 });
    const bad = await s.run(['keys', 'pin', 'verify', '--key-pin-file', wrong, '--json', ...nitrokey(key)]);
    expect(bad.code).toBe(EXIT_CODES.KEY_PIN_WRONG);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'KEY_PIN_WRONG', details: { kind: 'pin', attemptsRemaining: 7 } } });
    expect((await s.run(['keys', 'pin', 'verify', '--key-pin-file', wrong, ...nitrokey(key)])).stderr).toMatch(/6/);
    const right = await s.run(['keys', 'pin', 'verify', '--key-pin-file', pin, ...nitrokey(key)]);
    expect(right.stdout).toMatch(/^The PIN is right on Nitrokey 3 \d+ \(Secrets App [\d.]+, emulated\) \(8 attempts left\)\.\n$/);
    expect((await s.run(['keys', 'pin', 'change', '--key-pin-file', pin, '--new-key-pin-file', next, ...nitrokey(key)])).code).toBe(0);
    expect((await s.run(['keys', 'pin', 'verify', '--key-pin-file', next, ...nitrokey(key)])).code).toBe(0);
    expect((await s.run(['keys', 'pin', 'verify', ...nitrokey(key)])).code).toBe(EXIT_CODES.KEY_PIN_REQUIRED);
    // Down to the last retry: each wrong PIN says how many are left, then even the right one is refused.
    const left: unknown[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const run = await s.run(['keys', 'pin', 'verify', '--key-pin-file', wrong, '--json', ...nitrokey(key)]);
      left.push((JSON.parse(run.stderr) as { error: { details?: { attemptsRemaining?: number } } }).error.details?.attemptsRemaining);
    }
    expect(left).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    const blocked = await s.run(['keys', 'pin', 'verify', '--key-pin-file', next, ...nitrokey(key)]);
    expect(blocked.code).toBe(EXIT_CODES.KEY_PIN_WRONG);
    expect(blocked.stderr).toMatch(/blocked/i);
  });

  it('reset says what it erases (count and names), needs --yes without a terminal, then erases', async () => {
    const unconfirmed = await s.run(['keys', 'reset', ...nitrokey(key)]);
    expect(unconfirmed.code).toBe(EXIT_CODES.CANCELLED);
    expect(unconfirmed.stderr).toMatch(/^latchkey: a reset of Nitrokey 3 \d+ .* erases 3 credentials: Mail:me, 60\/Cloud:ops, Long:y{70}, and its PIN or password\n/);
    expect(unconfirmed.stderr).toMatch(/add --yes to reset it anyway/);
    expect(openEmulatedNitrokey3({ stateFile: key }).snapshot().credentials).toHaveLength(3);
    const reset = await s.run(['keys', 'reset', '--yes', '--json', ...nitrokey(key)]);
    expect(reset.code).toBe(0);
    expect(json(reset)).toMatchObject({ erased: 3 });
    expect(openEmulatedNitrokey3({ stateFile: key }).snapshot()).toMatchObject({ credentials: [], pin: null });
  });
});

describe('latchkey keys (OATH): passwords, several keys, traces, faults', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });

  it('password set: a locked YubiKey is KEY_PIN_REQUIRED {kind: password} without one, KEY_PIN_WRONG with a wrong one; clear', async () => {
    const key = s.file('locked.json');
    const password = s.file('key-password.txt', 'correct horse\n');
    const wrong = s.file('key-wrong.txt', 'wrong horse\n');
    expect((await s.run(['keys', 'add', 'mail', ...s.vault, ...yubikey(key)])).code).toBe(0);
    const set = await s.run(['keys', 'password', 'set', '--new-key-password-file', password, '--json', ...yubikey(key)]);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(json(set)).toMatchObject({ hasPassword: true });
    const locked = await s.run(['keys', 'credentials', '--json', ...yubikey(key)]);
    expect(locked.code).toBe(EXIT_CODES.KEY_PIN_REQUIRED);
    expect(JSON.parse(locked.stderr)).toMatchObject({ error: { code: 'KEY_PIN_REQUIRED', details: { kind: 'password' } } });
    expect((await s.run(['keys', 'code', 'mail', '--key-password-file', wrong, ...yubikey(key)])).code).toBe(EXIT_CODES.KEY_PIN_WRONG);
    const code = await s.run(['keys', 'code', 'mail', '--key-password-file', password, ...yubikey(key)]);
    expect(code).toMatchObject({ code: 0, stderr: '' });
    expect(code.stdout).toMatch(/^\d{6}\n$/);
    // Remembered: sealed in the vault for this serial, the key then opens with the vault alone.
    const sealed = await s.run(['keys', 'credentials', '--key-password-file', password, '--remember-key-password', ...s.vault, ...yubikey(key)]);
    expect(sealed).toMatchObject({ code: 0, stderr: '' });
    const opened = await s.run(['keys', 'code', 'mail', '--json', ...s.vault, ...yubikey(key)]);
    expect(opened).toMatchObject({ code: 0, stderr: '' });
    expect((await s.run(['keys', 'credentials', ...yubikey(key)])).code).toBe(EXIT_CODES.KEY_PIN_REQUIRED); // no vault password given: not opened
    const vaultFile = readFileSync(join(s.file('.'), 'latchkey', 'vault.sqlite'));
    expect(vaultFile.includes(Buffer.from('correct horse'))).toBe(false);
    expect((await s.run(['keys', 'password', 'clear', '--key-password-file', password, ...yubikey(key)])).code).toBe(0);
    expect(openEmulatedYubiKeyOath({ stateFile: key }).snapshot().access).toBeNull();
    expect((await s.run(['keys', 'credentials', ...yubikey(key)])).code).toBe(0);
    // Cleared, the sealed one is forgotten too; a new password can be sealed as it is set.
    const other = s.file('key-other.txt', 'battery staple\n');
    expect((await s.run(['keys', 'password', 'set', '--new-key-password-file', other, '--remember-key-password', ...s.vault, ...yubikey(key)])).code).toBe(0);
    expect((await s.run(['keys', 'credentials', ...s.vault, ...yubikey(key)])).code).toBe(0);
    expect((await s.run(['keys', 'credentials', ...yubikey(key)])).code).toBe(EXIT_CODES.KEY_PIN_REQUIRED);
  });

  it('two keys and no --key: AMBIGUOUS naming both serials; --key picks one; keys list shows both', async () => {
    const yk = s.file('two-yk.json');
    const nk = s.file('two-nk.json');
    const both = [...yubikey(yk), ...nitrokey(nk)];
    const ambiguous = await s.run(['keys', 'credentials', ...both]);
    expect(ambiguous.code).toBe(EXIT_CODES.AMBIGUOUS);
    const ykSerial = openEmulatedYubiKeyOath({ stateFile: yk }).snapshot().serial;
    const nkSerial = openEmulatedNitrokey3({ stateFile: nk }).snapshot().serial;
    expect(ambiguous.stderr).toBe(`latchkey: AMBIGUOUS: 2 keys are plugged in (YubiKey ${String(ykSerial)}, Nitrokey 3 ${String(nkSerial)}); say which with --key SERIAL\n`);
    const picked = await s.run(['keys', 'credentials', '--json', '--key', String(nkSerial), ...both]);
    expect(json(picked)).toMatchObject({ key: { kind: 'nitrokey3', serial: nkSerial }, capacity: 50 });
    expect((await s.run(['keys', 'credentials', '--key', '1', ...both])).code).toBe(EXIT_CODES.KEY_NOT_FOUND);
    const listed = json<{ kind: string }[]>(await s.run(['keys', 'list', '--json', ...both]));
    expect(listed.map((key) => key.kind)).toEqual(['yubikey-oath', 'nitrokey3']);
  });

  it('--trace prints APDUs (PC/SC) and packets (CTAPHID) as hex; the PUT carrying the secret shows lengths only', async () => {
    const yk = s.file('trace-yk.json');
    const traced = await s.run(['keys', 'add', 'mail', '--trace', ...s.vault, ...yubikey(yk)]);
    expect(traced.code).toBe(0);
    const lines = traced.stderr.split('\n').filter((line) => line.startsWith('pcsc '));
    expect(lines).toContain('pcsc > 00 a4 04 00 07 a0 00 00 05 27 21 01');
    expect(lines.some((line) => /^pcsc > 00 01 00 00 \+ \d+ bytes \(sensitive\)$/.test(line))).toBe(true);
    // The secret's bytes (the Base32 decoded) appear nowhere on stderr.
    expect(traced.stderr.replace(/ /g, '')).not.toContain('48656c6c6f21deadbeef');
    const nk = s.file('trace-nk.json');
    const packets = await s.run(['keys', 'add', 'mail', '--trace', ...s.vault, ...nitrokey(nk)]);
    expect(packets.code).toBe(0);
    expect(packets.stderr).toMatch(/^ctaphid > [0-9a-f ]+$/m);
    expect(packets.stderr.replace(/ /g, '')).not.toContain('48656c6c6f21deadbeef');
  });

  it('a full key: KEY_FULL, nothing written', async () => {
    const key = s.file('full.json');
    const filler = Array.from({ length: 31 }, (_unused, index) => ({
      idHex: Buffer.from(`Filler:${String(index)}`).toString('hex'),
      type: 'TOTP' as const,
      algorithm: 'SHA1' as const,
      digits: 6,
      secretHex: '00'.repeat(14),
      touch: false,
      counter: 0,
    }));
    openEmulatedYubiKeyOath({ stateFile: key, initialState: { ...openEmulatedYubiKeyOath({}).snapshot(), credentials: filler } });
    expect(openEmulatedYubiKeyOath({ stateFile: key }).snapshot().credentials).toHaveLength(31);
    const refused = await s.run(['keys', 'add', 'mail', 'cloud', ...s.vault, ...yubikey(key)]);
    expect(refused.code).toBe(EXIT_CODES.KEY_FULL);
    expect(refused.stderr).toMatch(/has room for 1 more credential\(s\) \(it holds at most 32\); 2 were asked for; nothing was written/);
    expect(openEmulatedYubiKeyOath({ stateFile: key }).snapshot().credentials).toHaveLength(31);
  });

  it('a touch credential: "Touch your key…" once on stderr (with --json too), then the code', async () => {
    const key = s.file('touch.json');
    expect((await s.run(['keys', 'add', 'mail', '--touch', '--json', ...s.vault, ...yubikey(key)])).code).toBe(0);
    openEmulatedYubiKeyOath({ stateFile: key, touchPolicy: { kind: 'after', ms: 30 } });
    const code = await s.run(['keys', 'code', 'mail', '--json', ...yubikey(key)]);
    expect(code.code).toBe(0);
    expect(code.stderr).toBe('latchkey: Touch your key…\n');
    expect(json<{ code: string }>(code).code).toMatch(/^\d{6}$/);
  });

  it('a touch never given: KEY_TOUCH_TIMEOUT after the key\'s own 20 s (on its clock), nothing computed', async () => {
    const key = s.file('untouched.json');
    expect((await s.run(['keys', 'add', 'mail', '--touch', ...s.vault, ...yubikey(key)])).code).toBe(0);
    const clock = createManualClock(Date.now());
    const card = openEmulatedYubiKeyOath({ stateFile: key, touchPolicy: { kind: 'never' }, clock });
    const keyDevices = createDevices({ backend: NO_HID, fido: NO_HID, pcsc: createEmulatedPcscBackend([card]) });
    const timedOut = await s.run(['keys', 'code', 'mail', ...yubikey(key)], { keyDevices });
    expect(timedOut.code).toBe(EXIT_CODES.KEY_TOUCH_TIMEOUT);
    expect(timedOut.stderr).toBe('latchkey: Touch your key…\nlatchkey: KEY_TOUCH_TIMEOUT: the YubiKey was not touched in time; nothing was done\n');
    expect(clock.slept).toBeGreaterThanOrEqual(20_000);
  });

  it('unplugged mid-PUT: KEY_UNPLUGGED saying the outcome is unknown; the vault untouched', async () => {
    const accounts = async () =>
      json<Record<string, unknown>[]>(await s.run(['list', '--json', ...s.vault])).map(({ code: _code, validFrom: _from, validUntil: _until, ...account }) => account);
    const before = await accounts();
    const card = openEmulatedYubiKeyOath({});
    const transmit = card.transmit.bind(card);
    card.transmit = (apdu: Uint8Array) => {
      if (apdu[1] === 0x01) card.unplug(); // PUT
      return transmit(apdu);
    };
    const keyDevices = createDevices({ backend: NO_HID, fido: NO_HID, pcsc: createEmulatedPcscBackend([card]) });
    const unplugged = await s.run(['keys', 'add', 'mail', ...s.vault], { keyDevices });
    expect(unplugged.code).toBe(EXIT_CODES.KEY_UNPLUGGED);
    expect(unplugged.stderr).toMatch(/unplugged while it was writing the credential/);
    expect(card.snapshot().credentials).toEqual([]);
    expect(await accounts()).toEqual(before);
  });
});

describe('latchkey keys (OATH): a Nitrokey 3 unplugged mid-PUT, PC/SC missing', () => {
  it('an NK3 pulled while the PUT is on its way: KEY_UNPLUGGED, nothing on the key, the vault untouched', async () => {
    const s = await setup();
    const accounts = async () =>
      json<Record<string, unknown>[]>(await s.run(['list', '--json', ...s.vault])).map(({ code: _code, validFrom: _from, validUntil: _until, ...account }) => account);
    const before = await accounts();
    const nk3 = createEmulatedNitrokey3Backend({});
    // The PUT's first packet: CTAPHID init packet of vendor command F0 whose APDU has INS 01.
    const pullingAtPut: HidBackend = {
      devices: () => nk3.devices(),
      open: async (descriptor) => {
        const device = await nk3.open(descriptor);
        const write = device.write.bind(device);
        device.write = (report: Uint8Array) => {
          if (report[4] === 0xf0 && report[8] === 0x01) nk3.unplug();
          return write(report);
        };
        return device;
      },
    };
    const keyDevices = createDevices({ backend: NO_HID, fido: pullingAtPut, pcsc: createEmulatedPcscBackend([]) });
    const unplugged = await s.run(['keys', 'add', 'mail', ...s.vault], { keyDevices });
    expect(unplugged.code).toBe(EXIT_CODES.KEY_UNPLUGGED);
    expect(unplugged.stderr).toMatch(/^latchkey: KEY_UNPLUGGED: the key was unplugged while it was writing the credential/);
    nk3.plugIn();
    expect(json<CredentialsJson>(await s.run(['keys', 'credentials', '--json'], { keyDevices: createDevices({ backend: NO_HID, fido: nk3, pcsc: createEmulatedPcscBackend([]) }) })).credentials).toEqual([]);
    expect(await accounts()).toEqual(before);
  });

  it('keys list without pcscd: the HID keys listed, a warning naming pcscd; a YubiKey OATH command is KEY_SERVICE_UNAVAILABLE', async () => {
    const s = await setup();
    const otp = createEmulatedYubiKeyOtpBackend({});
    const noPcscd = { ...createEmulatedPcscBackend([]), listReaders: () => Promise.reject(pcscServiceUnavailable('linux')) };
    const keyDevices = createDevices({ backend: otp, fido: NO_HID, pcsc: noPcscd });
    const listed = await s.run(['keys', 'list', '--json'], { keyDevices });
    expect(listed.code).toBe(0);
    expect(json<{ kind: string }[]>(listed).map((key) => key.kind)).toEqual(['yubikey-otp']);
    expect(listed.stderr).toMatch(/^latchkey: warning: smart card keys can't be reached: the PC\/SC service pcscd is not running/);
    const refused = await s.run(['keys', 'credentials'], { keyDevices });
    expect(refused.code).toBe(EXIT_CODES.KEY_SERVICE_UNAVAILABLE);
  });
});

describe('latchkey keys (OATH): at a terminal, Ctrl-C, one YubiKey seen twice', () => {
  let s: Setup;
  let home: string;
  beforeAll(async () => {
    s = await setup();
    home = join(s.file('.'), 'latchkey');
  });

  it('reset asks for the word "reset" after saying what goes; a locked key asks for its password', async () => {
    const key = s.file('terminal.json');
    const password = s.file('terminal-password.txt', 'pw at a terminal\n');
    expect((await s.run(['keys', 'add', 'mail', 'cloud', ...s.vault, ...yubikey(key)])).code).toBe(0);
    expect((await s.run(['keys', 'password', 'set', '--new-key-password-file', password, ...yubikey(key)])).code).toBe(0);

    const no = scriptedIo({ answers: ['pw at a terminal', 'no'], env: { LATCHKEY_HOME: home } });
    expect(await runCli(['keys', 'reset', ...yubikey(key)], no.io)).toBe(EXIT_CODES.CANCELLED);
    expect(no.asked).toEqual(['YubiKey access password: ', 'Type "reset" to erase them: ']);
    expect(no.err()).toMatch(/erases 2 credentials: Mail:me, 60\/Cloud:ops, and its PIN or password\n/);
    expect(openEmulatedYubiKeyOath({ stateFile: key }).snapshot().credentials).toHaveLength(2);

    const yes = scriptedIo({ answers: ['pw at a terminal', 'reset'], env: { LATCHKEY_HOME: home } });
    expect(await runCli(['keys', 'reset', ...yubikey(key)], yes.io)).toBe(0);
    expect(yes.out()).toMatch(/^Reset YubiKey \d+ \(firmware 5\.4\.3, emulated\): 2 credentials erased\.\n$/);
    expect(openEmulatedYubiKeyOath({ stateFile: key }).snapshot()).toMatchObject({ credentials: [], access: null });
  });

  it('Ctrl-C while the key waits for a touch: CANCELLED (exit 7)', async () => {
    const key = s.file('cancel.json');
    expect((await s.run(['keys', 'add', 'mail', '--touch', ...s.vault, ...yubikey(key)])).code).toBe(0);
    openEmulatedYubiKeyOath({ stateFile: key, touchPolicy: { kind: 'never' } });
    let interrupt: (() => void) | undefined;
    let stderr = '';
    const io: CliIo = {
      writeOut: () => undefined,
      writeErr: (text) => {
        stderr += text;
        if (text.includes('Touch your key')) interrupt?.(); // the user presses Ctrl-C once asked to touch
      },
      readStdin: () => Promise.resolve(''),
      env: { LATCHKEY_HOME: home },
      interactive: false,
      prompt: () => Promise.reject(new Error('no terminal in this test')),
      onInterrupt: (listener) => {
        interrupt = listener;
        return () => {
          interrupt = undefined;
        };
      },
    };
    expect(await runCli(['keys', 'code', 'mail', ...yubikey(key)], io)).toBe(EXIT_CODES.CANCELLED);
    expect(stderr).toBe('latchkey: Touch your key…\nlatchkey: CANCELLED: the key operation was cancelled\n');
  });

  it('a YubiKey 5 seen as an OTP HID interface and a CCID reader with the same serial is one key in keys list', async () => {
    const otp = s.file('twin-otp.json');
    const oath = s.file('twin-oath.json');
    const { serial } = openEmulatedYubiKeyOtp({ stateFile: otp }).snapshot();
    openEmulatedYubiKeyOath({ stateFile: oath, serial });
    const other = s.file('other-oath.json');
    const otherSerial = openEmulatedYubiKeyOath({ stateFile: other }).snapshot().serial;
    const listed = await s.run(['keys', 'list', '--json', '--emulator', `yubikey-otp:${otp}`, ...yubikey(oath), ...yubikey(other)]);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(json(listed)).toEqual([
      { kind: 'yubikey-oath', serial, firmware: '5.4.3', emulated: true, applications: ['otp', 'oath'] },
      { kind: 'yubikey-oath', serial: otherSerial, firmware: '5.4.3', emulated: true },
    ]);
    const text = await s.run(['keys', 'list', '--emulator', `yubikey-otp:${otp}`, ...yubikey(oath)]);
    expect(text.stdout).toBe(`yubikey-oath  ${String(serial)}  firmware 5.4.3  otp+oath  emulated\n`);
  });
});

describe('latchkey keys (OATH): a Nitrokey 3 touch never given, Ctrl-C during its touch wait, PIN-protected credentials', () => {
  let s: Setup;
  let home: string;
  let touchKey: string;
  beforeAll(async () => {
    s = await setup();
    home = join(s.file('.'), 'latchkey');
    touchKey = s.file('nk3-touch.json');
    // The NK3 asks for the touch on PUT too (nk3 sheet §5); the state's policy (auto) gives it.
    const added = await s.run(['keys', 'add', 'mail', '--touch', ...s.vault, ...nitrokey(touchKey)]);
    expect(added).toMatchObject({ code: 0, stderr: 'latchkey: Touch your key…\n' });
    expect(openEmulatedNitrokey3({ stateFile: touchKey }).snapshot().credentials).toMatchObject([{ touch: true, pinEncrypted: false }]);
  });

  /** The state file's key, served to the CLI as a plugged-in NK3; every packet the CLI writes is kept. */
  const servedNitrokey3 = (options: OpenEmulatedNitrokey3Options) => {
    const nk3 = createEmulatedNitrokey3Backend(options);
    const written: Uint8Array[] = [];
    const recording: HidBackend = {
      devices: () => nk3.devices(),
      open: async (descriptor) => {
        const device = await nk3.open(descriptor);
        const write = device.write.bind(device);
        device.write = (report: Uint8Array) => {
          written.push(Uint8Array.from(report));
          return write(report);
        };
        return device;
      },
    };
    return { nk3, written, keyDevices: createDevices({ backend: NO_HID, fido: recording, pcsc: createEmulatedPcscBackend([]) }) };
  };
  /** CTAPHID CANCEL (0x11) as an init packet: byte 4 is the command with its top bit set. */
  const isCancel = (packet: Uint8Array) => packet[4] === 0x91;

  it('a touch never given: KEY_TOUCH_TIMEOUT after the key\'s own 15 s (on its clock), nothing computed', async () => {
    const clock = createManualClock(Date.now());
    const { keyDevices, written } = servedNitrokey3({ stateFile: touchKey, touchPolicy: { kind: 'never' }, clock });
    const timedOut = await s.run(['keys', 'code', 'mail', ...nitrokey(touchKey)], { keyDevices });
    expect(timedOut.code).toBe(EXIT_CODES.KEY_TOUCH_TIMEOUT);
    expect(timedOut.stdout).toBe('');
    expect(timedOut.stderr).toBe('latchkey: Touch your key…\nlatchkey: KEY_TOUCH_TIMEOUT: the Nitrokey 3 was not touched in time; nothing was done\n');
    expect(clock.slept).toBeGreaterThanOrEqual(NK3_TOUCH_TIMEOUT_MS);
    // The key gave up by itself (6982): nothing for us to cancel.
    expect(written.some(isCancel)).toBe(false);
  });

  it('Ctrl-C while the NK3 waits for its touch: the key is told to stop (CTAPHID CANCEL), CANCELLED (exit 7)', async () => {
    const { nk3, written, keyDevices } = servedNitrokey3({ stateFile: touchKey, touchPolicy: { kind: 'never' } });
    let interrupt: (() => void) | undefined;
    let stderr = '';
    let stdout = '';
    const pressCtrlCOnceTheKeyWaits = async () => {
      // The prompt comes as the CALCULATE is sent: wait until the key really waits for its button.
      while (nk3.current?.waitingForTouch !== true) await new Promise((resolve) => setTimeout(resolve, 5));
      interrupt?.();
    };
    const io: CliIo = {
      writeOut: (text) => {
        stdout += text;
      },
      writeErr: (text) => {
        stderr += text;
        if (text.includes('Touch your key')) void pressCtrlCOnceTheKeyWaits();
      },
      readStdin: () => Promise.resolve(''),
      env: { LATCHKEY_HOME: home },
      interactive: false,
      prompt: () => Promise.reject(new Error('no terminal in this test')),
      onInterrupt: (listener) => {
        interrupt = listener;
        return () => {
          interrupt = undefined;
        };
      },
    };
    expect(await runCli(['keys', 'code', 'mail', ...nitrokey(touchKey)], io, { keyDevices })).toBe(EXIT_CODES.CANCELLED);
    expect(stdout).toBe('');
    expect(stderr).toBe('latchkey: Touch your key…\nlatchkey: CANCELLED: cancelled; the key was told to stop\n');
    expect(written.some(isCancel)).toBe(true);
    expect(nk3.current?.waitingForTouch).toBe(false);
  });

  it('PIN-protected credentials: listed, computed, renamed and deleted with --key-pin-file; without the PIN the key hides them, and asking for one is KEY_PIN_REQUIRED {kind: pin}', async () => {
    const key = s.file('nk3-pin.json');
    const pin = s.file('nk3-pin.txt', '246810\n');
    expect((await s.run(['keys', 'add', 'cloud', ...s.vault, ...nitrokey(key)])).code).toBe(0);
    expect((await s.run(['keys', 'pin', 'set', '--key-pin-file', pin, ...nitrokey(key)])).code).toBe(0);
    // Our driver writes no PIN-encrypted credential; one as Nitrokey's own tools leave it (PUT 78 04 after VERIFY PIN).
    const state = openEmulatedNitrokey3({ stateFile: key }).snapshot();
    const vaultOnly = { labelHex: Buffer.from('Vault:me').toString('hex'), kind: 'TOTP' as const, algorithm: 'SHA1' as const, digits: 6, secretHex: '48656c6c6f21deadbeef', touch: false, pinEncrypted: true, hasPasswordSafe: false, counter: 0 };
    writeFileSync(key, nk3StateToJson({ ...state, credentials: [...state.credentials, vaultOnly] }));

    const withPin = await s.run(['keys', 'credentials', '--key-pin-file', pin, '--json', ...nitrokey(key)]);
    expect(withPin).toMatchObject({ code: 0, stderr: '' });
    expect(json<{ credentials: { name: string; pinProtected: boolean | null }[] }>(withPin).credentials.map((c) => [c.name, c.pinProtected])).toEqual([
      ['60/Cloud:ops', false],
      ['Vault:me', true],
    ]);
    const text = await s.run(['keys', 'credentials', '--key-pin-file', pin, ...nitrokey(key)]);
    expect(text.stdout).toMatch(/^Vault:me {2}TOTP SHA1 {2}PIN$/m);

    const at = 1_600_000_000;
    const code = await s.run(['keys', 'code', 'vault', '--at', String(at), '--key-pin-file', pin, ...nitrokey(key)]);
    expect(code).toMatchObject({ code: 0, stderr: '' });
    expect(code.stdout.trim()).toBe(oathtool(['--totp', '-b', '--now', new Date(at * 1000).toISOString(), MAIL_SECRET]));

    // Without the PIN the key lists only what it shows to anyone (nk3 sheet: PIN-encrypted ones need VERIFY PIN first).
    const withoutPin = await s.run(['keys', 'credentials', '--json', ...nitrokey(key)]);
    expect(withoutPin.code).toBe(0);
    expect(json<CredentialsJson>(withoutPin).credentials.map((c) => c.name)).toEqual(['60/Cloud:ops']);
    const locked = await s.run(['keys', 'code', 'vault', '--json', ...nitrokey(key)]);
    expect(locked.code).toBe(EXIT_CODES.KEY_PIN_REQUIRED);
    expect(JSON.parse(locked.stderr)).toMatchObject({ error: { code: 'KEY_PIN_REQUIRED', details: { kind: 'pin' } } });
    // A plain credential still needs no PIN on a key that has one.
    expect((await s.run(['keys', 'code', 'cloud', ...nitrokey(key)])).code).toBe(0);

    // Renamed and deleted by name: the key finds it only right after VERIFY PIN, then wants its touch.
    const unnamed = await s.run(['keys', 'delete', 'Vault:me', '--yes', '--json', ...nitrokey(key)]);
    expect(unnamed.code).toBe(EXIT_CODES.KEY_PIN_REQUIRED);
    expect(JSON.parse(unnamed.stderr)).toMatchObject({ error: { code: 'KEY_PIN_REQUIRED', details: { kind: 'pin' } } });
    const renamed = await s.run(['keys', 'rename', 'Vault:me', 'Vault:mine', '--key-pin-file', pin, ...nitrokey(key)]);
    expect(renamed).toMatchObject({ code: 0, stderr: 'latchkey: Touch your key…\n' });
    expect(openEmulatedNitrokey3({ stateFile: key }).snapshot().credentials).toMatchObject([{}, { labelHex: Buffer.from('Vault:mine').toString('hex'), pinEncrypted: true }]);
    const deleted = await s.run(['keys', 'delete', 'Vault:mine', '--yes', '--key-pin-file', pin, ...nitrokey(key)]);
    expect(deleted).toMatchObject({ code: 0, stderr: 'latchkey: Touch your key…\n' });
    expect(openEmulatedNitrokey3({ stateFile: key }).snapshot().credentials.map((c) => Buffer.from(c.labelHex, 'hex').toString())).toEqual(['60/Cloud:ops']);
  });
});
