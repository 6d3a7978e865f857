import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { createEmulatedYubiKeyOtpBackend, openEmulatedYubiKeyOtp } from '../keys/emulators/yubikey-otp.js';
import { createDevices } from '../service/devices.js';
import type { CliIo } from './io.js';
import { runCli } from './run-cli.js';
import { inProcessCli } from './test-support/in-process.js';
import { scriptedIo } from './test-support/scripted-io.js';
import type { CliRun } from './test-support/spawn-cli.js';

/**
 * Issue 15, item 6: `latchkey keys …` against the emulated YubiKey, through its state file (so each
 * command is a separate run, as from a shell). What the key does is checked from outside: the HOTP
 * codes the emulated key types against the vault's own, challenge-responses against Node's HMAC.
 */
const HOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890", RFC 4226's key
const HMAC_KEY = '303132333435363738393a3b3c3d3e3f40414243';

interface Setup {
  readonly run: (args: readonly string[], options?: Parameters<ReturnType<typeof inProcessCli>['run']>[1]) => Promise<CliRun>;
  /** Without the filter: every stderr line. */
  readonly runRaw: Setup['run'];
  readonly home: string;
  readonly vault: readonly string[];
  readonly stateFile: (name: string) => string;
}

/** Unlock progress ("Deriving the vault's key…") is not what these tests look at. */
const withoutProgress = (run: CliRun): CliRun => ({ ...run, stderr: run.stderr.replace(/^latchkey: (?!warning: )(?![A-Z_]+: ).*…\n/gm, '') });

async function setup(options: { vault: boolean } = { vault: true }): Promise<Setup> {
  const cli = inProcessCli();
  const passwordFile = join(cli.home, 'password.txt');
  writeFileSync(passwordFile, 'a long vault password for keys\n');
  const vault = ['--password-file', passwordFile];
  const run: Setup['run'] = async (args, runOptions) => withoutProgress(await cli.run(args, runOptions));
  if (options.vault) {
    expect((await run(['init', '--kdf', '2,64', ...vault])).code).toBe(0);
    const add = async (args: string[], secret = HOTP_SECRET) => {
      expect(await run(['add', ...args, ...vault], { stdin: `${secret}\n` })).toMatchObject({ code: 0 });
    };
    await add(['--secret', '-', '--type', 'hotp', '--counter', '32', '--issuer', 'Bank', '--label', 'bob']);
    await add(['--secret', '-', '--type', 'hotp', '--counter', '5', '--issuer', 'Odd', '--label', 'counter'], 'JBSWY3DPEHPK3PXP');
    await add(['--secret', '-', '--issuer', 'Mail', '--label', 'me']);
  }
  return { run, runRaw: cli.run, home: cli.home, vault, stateFile: (name) => join(cli.home, `${name}.json`) };
}

const emulator = (file: string) => ['--emulator', `yubikey-otp:${file}`];
const keyState = (file: string) => openEmulatedYubiKeyOtp({ stateFile: file }).snapshot();
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads
const json = <T = unknown>(run: CliRun): T => JSON.parse(run.stdout) as T;
const hmac = (keyHex: string, message: Buffer) => createHmac('sha1', Buffer.from(keyHex, 'hex')).update(message).digest('hex');

interface StatusJson {
  key: { serial: number };
  pgmSeq: number;
  slots: { slot: number; configured: boolean; written?: { kind: string; accountId?: string; account?: { issuer: string }; touch: boolean } }[];
  recordRead: boolean;
}

describe('latchkey keys, against an emulated YubiKey with a state file', () => {
  let s: Setup;
  let key: string;
  beforeAll(async () => {
    s = await setup();
    key = s.stateFile('key');
  });

  it('keys list needs no vault password: kind, serial, firmware, emulated', async () => {
    const listed = await s.run(['keys', 'list', '--json', ...emulator(key)]);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const { serial } = keyState(key);
    expect(json(listed)).toEqual([{ kind: 'yubikey-otp', serial, firmware: '5.4.3', emulated: true }]);
    expect((await s.run(['keys', 'list', ...emulator(key)])).stdout).toBe(`yubikey-otp  ${String(serial)}  firmware 5.4.3  emulated\n`);
  });

  it('program --hotp: the key types the codes the vault makes, from the account\'s counter; the account is unchanged', async () => {
    const programmed = await s.run(['keys', 'program', '2', '--hotp', 'bank', '--json', ...s.vault, ...emulator(key)]);
    expect(programmed).toMatchObject({ code: 0, stderr: '' });
    expect(json(programmed)).toMatchObject({ slot: 2, kind: 'hotp', counter: '32', recorded: true, account: { issuer: 'Bank', label: 'bob' } });

    const vaultCodes: string[] = [];
    for (let i = 0; i < 3; i++) vaultCodes.push((await s.run(['code', 'bank', ...s.vault])).stdout.trim());
    const device = openEmulatedYubiKeyOtp({ stateFile: key });
    expect([device.typeOtp(2), device.typeOtp(2), device.typeOtp(2)]).toEqual(vaultCodes);
    expect(vaultCodes[0]).toMatch(/^\d{6}$/);
  });

  it('keys status: firmware, pgmSeq, slots, and what Latchkey wrote there (from the sealed record)', async () => {
    const status = await s.run(['keys', 'status', '--json', ...s.vault, ...emulator(key)]);
    expect(status).toMatchObject({ code: 0, stderr: '' });
    const value = json<StatusJson>(status);
    expect(value.pgmSeq).toBe(keyState(key).pgmSeq);
    expect(value.recordRead).toBe(true);
    expect(value.slots[0]).toMatchObject({ slot: 1, configured: true });
    expect(value.slots[0]?.written).toBeUndefined();
    expect(value.slots[1]).toMatchObject({ slot: 2, configured: true, written: { kind: 'hotp', touch: true, account: { issuer: 'Bank' } } });
    const text = await s.run(['keys', 'status', ...s.vault, ...emulator(key)]);
    expect(text.stdout).toMatch(/slot 2: programmed, types on touch; Latchkey wrote HOTP for Bank \(bob\) on \d{4}-\d\d-\d\d/);
  });

  it('a programmed slot is not overwritten without --yes (no TTY): KEY_CREDENTIAL_EXISTS, the key unchanged', async () => {
    const before = readFileSync(key, 'utf8');
    const refused = await s.run(['keys', 'program', '2', '--challenge-response', '--hmac-key', HMAC_KEY, ...s.vault, ...emulator(key)]);
    expect(refused.code).toBe(EXIT_CODES.KEY_CREDENTIAL_EXISTS);
    expect(refused.stderr).toMatch(/^latchkey: KEY_CREDENTIAL_EXISTS: Slot 2 is programmed\. .*\nlatchkey: add --yes to overwrite it anyway\n$/);
    expect(readFileSync(key, 'utf8')).toBe(before);
    const slot1 = await s.run(['keys', 'program', '1', '--challenge-response', '--generate', ...s.vault, ...emulator(key)]);
    expect(slot1.code).toBe(EXIT_CODES.KEY_CREDENTIAL_EXISTS);
    expect(slot1.stderr).toMatch(/factory OTP credential, which cannot be restored/);
    expect(readFileSync(key, 'utf8')).toBe(before);
  });

  it('challenge-response: the response is HMAC-SHA1 of the challenge (HMAC_LT64: trailing pad bytes dropped)', async () => {
    const programmed = await s.run(['keys', 'program', '2', '--challenge-response', '--hmac-key', '-', '--yes', ...s.vault, ...emulator(key)], { stdin: `${HMAC_KEY}\n` });
    expect(programmed).toMatchObject({ code: 0, stderr: '' });
    expect(programmed.stdout).not.toContain(HMAC_KEY);

    const short = '0102030405fe';
    const answered = await s.run(['keys', 'challenge', '2', short, ...emulator(key)]);
    expect(answered).toMatchObject({ code: 0, stderr: '' });
    expect(answered.stdout).toBe(`${hmac(HMAC_KEY, Buffer.from(short, 'hex'))}\n`);

    // 64 bytes ending in two equal bytes: the key HMACs the 62 before them.
    const full = Buffer.concat([Buffer.alloc(62, 0x11), Buffer.from([0x42, 0x42])]);
    const long = await s.run(['keys', 'challenge', '2', full.toString('hex'), '--json', ...emulator(key)]);
    expect(json(long)).toMatchObject({ responseHex: hmac(HMAC_KEY, full.subarray(0, 62)), key: { serial: keyState(key).serial } });

    const status = json<StatusJson>(await s.run(['keys', 'status', '--json', ...s.vault, ...emulator(key)]));
    expect(status.slots[1]?.written).toMatchObject({ kind: 'challenge-response', touch: false });
    expect(status.slots[1]?.written?.accountId).toBeUndefined();
  });

  it('a generated key is printed once, and the key answers with it', async () => {
    const programmed = await s.run(['keys', 'program', '1', '--challenge-response', '--generate', '--yes', '--json', ...s.vault, ...emulator(key)]);
    expect(programmed.code).toBe(0);
    const { generatedKeyHex } = json<{ generatedKeyHex: string }>(programmed);
    expect(generatedKeyHex).toMatch(/^[0-9a-f]{40}$/);
    const answered = await s.run(['keys', 'challenge', '1', 'abcdef', ...emulator(key)]);
    expect(answered.stdout.trim()).toBe(hmac(generatedKeyHex, Buffer.from('abcdef', 'hex')));
  });

  it('swap trades the slots, on the key and in the record; delete empties one, asking first', async () => {
    const swapped = await s.run(['keys', 'swap', ...s.vault, ...emulator(key)]);
    expect(swapped).toMatchObject({ code: 0, stderr: '' });
    const answered = await s.run(['keys', 'challenge', '1', '0102030405fe', ...emulator(key)]);
    expect(answered.stdout.trim()).toBe(hmac(HMAC_KEY, Buffer.from('0102030405fe', 'hex')));
    const status = json<StatusJson>(await s.run(['keys', 'status', '--json', ...s.vault, ...emulator(key)]));
    expect(status.slots.map((slot) => slot.written?.kind)).toEqual(['challenge-response', 'challenge-response']);

    const refused = await s.run(['keys', 'delete', '--slot', '2', ...s.vault, ...emulator(key)]);
    expect(refused.code).toBe(EXIT_CODES.KEY_CREDENTIAL_EXISTS);
    expect(keyState(key).slots[1]).not.toBeNull();
    const deleted = await s.run(['keys', 'delete', '--slot', '2', '--yes', ...s.vault, ...emulator(key)]);
    expect(deleted).toMatchObject({ code: 0, stderr: '' });
    expect(keyState(key).slots[1]).toBeNull();
    const after = json<StatusJson>(await s.run(['keys', 'status', '--json', ...s.vault, ...emulator(key)]));
    expect(after.slots[1]).toMatchObject({ configured: false });
    expect(after.slots[1]?.written).toBeUndefined();
    expect(after.slots[0]?.written).toMatchObject({ kind: 'challenge-response' });
  });

  it('--trace prints one line per feature report on stderr, "> " sent and "< " received', async () => {
    const traced = await s.run(['keys', 'list', '--trace', ...emulator(key)]);
    expect(traced.code).toBe(0);
    const lines = traced.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) expect(line).toMatch(/^[<>] [0-9a-f]{16}$/);
    expect(lines.some((line) => line.startsWith('> '))).toBe(true);
    expect(lines.some((line) => line.startsWith('< '))).toBe(true);
  });
});

describe('--trace while a secret is written', () => {
  it('shows the reports that carry it with their data as dots (their sequence byte kept), and the rest in hex', async () => {
    const s = await setup({ vault: false });
    const file = s.stateFile('key');
    const access = 'a1b2c3d4e5f6';
    const traced = await s.run(['keys', 'program', '2', '--challenge-response', '--hmac-key', HMAC_KEY, '--new-access-code', access, '--trace', ...emulator(file)]);
    expect(traced.code).toBe(0);
    expect(keyState(file).slots[1]?.accessCode).toBe(access);
    const lines = traced.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^(< [0-9a-f]{16}|> [0-9a-f]{16}|> \.{14}[0-9a-f]{2})$/);
    expect(lines.filter((line) => line.startsWith('> ..')).length).toBeGreaterThan(3);
    // No 4 bytes in a row of the key or the access code show anywhere.
    const secrets = HMAC_KEY + access;
    for (let at = 0; at + 8 <= secrets.length; at += 2) expect(traced.stderr).not.toContain(secrets.slice(at, at + 8));
  });
});

describe('which key: --key SERIAL, AMBIGUOUS, KEY_NOT_FOUND', () => {
  it('two keys and no --key is AMBIGUOUS naming both; --key picks one; an unknown serial is KEY_NOT_FOUND', async () => {
    const s = await setup({ vault: false });
    const [a, b] = [s.stateFile('a'), s.stateFile('b')];
    const both = [...emulator(a), ...emulator(b)];
    const listed = json<{ serial: number }[]>(await s.run(['keys', 'list', '--json', ...both]));
    expect(listed).toHaveLength(2);
    const serialB = keyState(b).serial;
    expect(listed.map((k) => k.serial)).toEqual([keyState(a).serial, serialB]);

    const ambiguous = await s.run(['keys', 'challenge', '2', '00', ...both]);
    expect(ambiguous.code).toBe(EXIT_CODES.AMBIGUOUS);
    expect(ambiguous.stderr).toContain(String(serialB));

    const picked = await s.run(['keys', 'program', '2', '--challenge-response', '--hmac-key', HMAC_KEY, '--key', String(serialB), '--json', ...both]);
    expect(picked).toMatchObject({ code: 0, stderr: '' });
    expect(json(picked)).toMatchObject({ key: { serial: serialB }, recorded: false });
    expect(keyState(b).slots[1]).not.toBeNull();
    expect(keyState(a).slots[1]).toBeNull();

    const unknown = await s.run(['keys', 'status', '--key', '1', ...both]);
    expect(unknown.code).toBe(EXIT_CODES.KEY_NOT_FOUND);
    expect((await s.run(['keys', 'status', '--key', 'twelve', ...both])).code).toBe(EXIT_CODES.USAGE);
  });

  it('no key plugged in is KEY_NOT_FOUND', async () => {
    const s = await setup({ vault: false });
    const backend = createEmulatedYubiKeyOtpBackend();
    backend.unplug();
    const run = await s.run(['keys', 'challenge', '2', '00'], { keyDevices: createDevices({ backend }) });
    expect(run.code).toBe(EXIT_CODES.KEY_NOT_FOUND);
    expect(run.stderr).toBe('latchkey: KEY_NOT_FOUND: no YubiKey is plugged in (or the system does not show it)\n');
  });
});

describe('faults', () => {
  it('a key unplugged while being programmed: KEY_UNPLUGGED, its slot unchanged, the vault untouched', async () => {
    const s = await setup();
    const file = s.stateFile('unplug');
    keyState(file); // made now, so the backend below starts from the same key
    // Opening the session (status, serial) takes 10 report calls and the write 19 more: the 14th is mid-frame.
    const backend = createEmulatedYubiKeyOtpBackend({ stateFile: file, faults: [{ kind: 'unplug-after', reports: 14 }] });
    const keyBefore = readFileSync(file, 'utf8');
    const vaultFile = join(s.home, 'latchkey', 'vault.sqlite');
    const vaultBefore = readFileSync(vaultFile);
    const run = await s.run(['keys', 'program', '2', '--hotp', 'bank', ...s.vault], { keyDevices: createDevices({ backend }) });
    expect(run.code).toBe(EXIT_CODES.KEY_UNPLUGGED);
    expect(run.stderr).toMatch(/^latchkey: KEY_UNPLUGGED: /);
    expect(readFileSync(file, 'utf8')).toBe(keyBefore);
    expect(readFileSync(vaultFile).equals(vaultBefore)).toBe(true);
    expect((await s.run(['code', 'bank', '--peek', '--json', ...s.vault])).stdout).toMatch(/"counter": 32/);
  });

  it('an account the slot cannot hold is KEY_UNSUPPORTED saying why, before the key is touched', async () => {
    const s = await setup();
    const file = s.stateFile('key');
    const before = JSON.stringify(keyState(file));
    const odd = await s.run(['keys', 'program', '2', '--hotp', 'odd', ...s.vault, ...emulator(file)]);
    expect(odd.code).toBe(EXIT_CODES.KEY_UNSUPPORTED);
    expect(odd.stderr).toMatch(/multiple of 16 up to 1048560; this account's counter is 5: take 11 more code\(s\)/);
    const totp = await s.run(['keys', 'program', '2', '--hotp', 'mail', ...s.vault, ...emulator(file)]);
    expect(totp.code).toBe(EXIT_CODES.KEY_UNSUPPORTED);
    expect(totp.stderr).toMatch(/this one is TOTP/);
    expect(JSON.stringify(keyState(file))).toBe(before);
  });
});

describe('without a vault', () => {
  it('challenge-response can be programmed and asked without any vault (nothing to record)', async () => {
    const s = await setup({ vault: false });
    const file = s.stateFile('key');
    const programmed = await s.run(['keys', 'program', '2', '--challenge-response', '--hmac-key', HMAC_KEY, ...emulator(file)]);
    expect(programmed).toMatchObject({ code: 0, stderr: '' });
    expect(programmed.stdout).toContain("not noted in the vault's record: there is no vault");
    const status = await s.run(['keys', 'status', '--json', ...emulator(file)]);
    expect(json(status)).toMatchObject({ recordRead: false, slots: [{ configured: true }, { configured: true }] });
    const hotp = await s.run(['keys', 'program', '2', '--hotp', 'bank', '--yes', ...emulator(file)]);
    expect(hotp.code).toBe(EXIT_CODES.VAULT_NOT_FOUND);
  });
});

describe('a touch slot', () => {
  /** The emulated key's touch policy, as its state file keeps it. */
  const setTouchPolicy = (file: string, policy: string) => {
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), touchPolicy: policy }));
  };

  it('keys challenge says "Touch your YubiKey…" once on stderr (with --json too), then prints the response', async () => {
    const s = await setup({ vault: false });
    const file = s.stateFile('key');
    expect((await s.run(['keys', 'program', '2', '--challenge-response', '--hmac-key', HMAC_KEY, '--touch', ...emulator(file)])).code).toBe(0);
    setTouchPolicy(file, 'after:150');
    const answered = await s.runRaw(['keys', 'challenge', '2', '0102', ...emulator(file)]);
    expect(answered).toEqual({ code: 0, stdout: `${hmac(HMAC_KEY, Buffer.from('0102', 'hex'))}\n`, stderr: 'latchkey: Touch your YubiKey…\n' });
    const asJson = await s.runRaw(['keys', 'challenge', '2', '0102', '--json', ...emulator(file)]);
    expect(asJson).toMatchObject({ code: 0, stderr: 'latchkey: Touch your YubiKey…\n' });
    expect(json(asJson)).toMatchObject({ responseHex: hmac(HMAC_KEY, Buffer.from('0102', 'hex')) });
  });

  it('Ctrl-C while it waits for the touch: CANCELLED (exit 7)', async () => {
    const s = await setup({ vault: false });
    const file = s.stateFile('key');
    expect((await s.run(['keys', 'program', '2', '--challenge-response', '--hmac-key', HMAC_KEY, '--touch', ...emulator(file)])).code).toBe(0);
    setTouchPolicy(file, 'never');
    let interrupt: (() => void) | undefined;
    let stderr = '';
    const io: CliIo = {
      writeOut: () => undefined,
      writeErr: (text) => {
        stderr += text;
        // The user presses Ctrl-C once asked to touch.
        if (text.includes('Touch your YubiKey')) interrupt?.();
      },
      readStdin: () => Promise.resolve(''),
      env: { LATCHKEY_HOME: join(s.home, 'latchkey') },
      interactive: false,
      prompt: () => Promise.reject(new Error('no terminal in this test')),
      onInterrupt: (listener) => {
        interrupt = listener;
        return () => {
          interrupt = undefined;
        };
      },
    };
    const code = await runCli(['keys', 'challenge', '2', '0102', ...emulator(file)], io);
    expect(code).toBe(EXIT_CODES.CANCELLED);
    expect(stderr).toBe('latchkey: Touch your YubiKey…\nlatchkey: CANCELLED: cancelled; the key was told to stop waiting\n');
  });
});

describe('at a terminal', () => {
  it('overwriting a programmed slot is asked, with its warning: "n" leaves the key as it was, "y" writes', async () => {
    const s = await setup({ vault: false });
    const file = s.stateFile('key');
    const args = ['keys', 'program', '1', '--challenge-response', '--hmac-key', HMAC_KEY, ...emulator(file)];
    const env = { LATCHKEY_HOME: join(s.home, 'latchkey') };
    keyState(file); // a factory-fresh key, slot 1 holding Yubico's credential
    const before = readFileSync(file, 'utf8');

    const no = scriptedIo({ answers: ['n'], env });
    expect(await runCli(args, no.io)).toBe(EXIT_CODES.CANCELLED);
    expect(no.asked).toEqual(['Overwrite it? [y/N] ']);
    expect(no.err()).toMatch(/^latchkey: Slot 1 is programmed\. On a new YubiKey it holds Yubico's factory OTP credential, which cannot be restored .*\n/);
    expect(readFileSync(file, 'utf8')).toBe(before);

    const yes = scriptedIo({ answers: ['y'], env });
    expect(await runCli(args, yes.io)).toBe(0);
    expect(keyState(file).slots[0]?.key).toBe(HMAC_KEY.slice(0, 32));
  });
});
