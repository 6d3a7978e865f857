import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorCli, type EmulatorProcess } from '../emulators/test-support/emulate-cli.js';
import { readStateText, writeStateText } from '../emulators/oath-common/state-file.js';
import { privatePcscdMissing, startPrivatePcscd, type PrivatePcscd, type RunOptions, type RunResult } from '../emulators/pcscd/private-pcscd.js';
import { oathCardStateFromJson, oathCardStateToJson } from '../emulators/yubikey-oath/state.js';
import type { TouchPolicy } from '../emulators/yubikey-otp/state.js';
import { OathSession, yubikeyDialect } from '../oath/index.js';
import type { PcscBackend } from './pcsc-backend.js';
import { withPcscCard } from './pcsc-transport.js';
import { createSmartcardBackend, loadSmartcard } from './smartcard-adapter.js';

/**
 * The whole PC/SC path: our smartcard adapter + transport + OATH session on one side, Yubico's ykman
 * on the other, both through one real pcscd (private namespace) to the emulated YubiKey OATH card
 * served by `npm run emulate -- yubikey-oath --vpcd` (its own process: the addon's synchronous PC/SC
 * calls must not wait on a card living on this event loop). What one side writes, the other reads,
 * and every code equals oathtool's: plain accounts, an access password set by either side, and touch
 * credentials written by either side, the touch given through the served card's state file. The tests
 * run in order on one card, each leaving it unlocked with the touch policy `auto`. Under CI=true
 * nothing here may skip.
 */

const has = (tool: string) => spawnSync('which', [tool]).status === 0;
const addonFailure = await loadSmartcard().then(
  () => null,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);
const missing = privatePcscdMissing() ?? addonFailure ?? (has('ykman') ? null : 'ykman is not installed (Debian: apt install yubikey-manager)') ?? (has('oathtool') ? null : 'oathtool is not installed');
const CI = process.env['CI'] === 'true';

/** RFC 4648 "JBSWY3DPEHPK3PXP" and RFC 6238's SHA256 seed, as bytes (oathtool takes hex). */
const ALICE_HEX = '48656c6c6f21deadbeef';
const BOB_HEX = '3132333435363738393031323334353637383930313233343536373839303132';
const CAROL_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
/** "dave touches the key" and "Latchkey touch erin!": 20 bytes, so Base32 without padding. */
const DAVE_HEX = '6461766520746f756368657320746865206b6579';
const ERIN_HEX = '4c617463686b657920746f756368206572696e21';
const ERIN_BASE32 = 'JRQXIY3INNSXSIDUN52WG2BAMVZGS3RB';
const PASSWORD_FROM_YKMAN = 'set by ykman';
const PASSWORD_FROM_US = 'set by latchkey';

function oathtoolTotp(keyHex: string, time: number, options: { digits?: number; algorithm?: string; period?: number } = {}): string {
  const args = [`--totp=${options.algorithm ?? 'sha1'}`, `--digits=${String(options.digits ?? 6)}`, `--time-step-size=${String(options.period ?? 30)}s`, `--now=@${String(time)}`, keyHex];
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

const now = () => Math.floor(Date.now() / 1000);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `ykman oath accounts code` without -s: one line per account, name, two or more spaces, code or a bracketed note. */
function parseCodes(stdout: string): Map<string, string> {
  const codes = new Map<string, string>();
  for (const line of stdout.trim().split('\n')) {
    const match = /^(.*?)\s{2,}(\S.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) codes.set(match[1], match[2]);
  }
  return codes;
}

describe.skipIf(missing !== null && !CI)(`our PC/SC transport and OATH session against ykman, through a private pcscd${missing === null ? '' : ` (skipped: ${missing})`}`, () => {
  let pcscd: PrivatePcscd | undefined;
  let served: EmulatorProcess | undefined;
  let backend: PcscBackend;
  let home = '';

  const ykman = (args: readonly string[], options: Pick<RunOptions, 'onStderr'> = {}): Promise<RunResult> => {
    if (pcscd === undefined) throw new Error('no private pcscd');
    // HOME apart: ykman neither reads nor writes the user's remembered passwords.
    return pcscd.run('ykman', ['--reader', pcscd.readerName, ...args], { timeoutMs: 40_000, env: { HOME: home }, ...options });
  };
  const ykmanOk = async (args: readonly string[]): Promise<string> => {
    const result = await ykman(args);
    expect(result.code, `ykman ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const onTheKey = <T>(work: (session: OathSession) => Promise<T>): Promise<T> =>
    withPcscCard(backend, pcscd?.readerName ?? '', async (transport) => work(await OathSession.open(transport, yubikeyDialect)));

  /**
   * The test's finger on the served card: the emulator process re-reads the touch policy from its
   * state file before and during every touch wait, so `never` makes it hold a touch credential's
   * answer and `auto` gives the touch (at once, or to a wait already under way).
   */
  const setServedTouchPolicy = (policy: TouchPolicy) => {
    const stateFile = join(home, 'card.json');
    const text = readStateText(stateFile);
    if (text === null) throw new Error('the served card wrote no state file');
    writeStateText(stateFile, oathCardStateToJson({ ...oathCardStateFromJson(text, stateFile), touchPolicy: policy }));
  };

  beforeAll(async () => {
    if (missing !== null) throw new Error(`CI=true and the ykman round trip cannot run: ${missing}`);
    home = mkdtempSync(join(tmpdir(), 'latchkey-pcsc-oath-'));
    pcscd = await startPrivatePcscd();
    process.env['PCSCLITE_CSOCK_NAME'] = pcscd.env.PCSCLITE_CSOCK_NAME;
    backend = createSmartcardBackend();
    served = await startEmulatorCli(['yubikey-oath', '--vpcd', `127.0.0.1:${String(pcscd.vpcdPort)}`, '--state', join(home, 'card.json')]);
    const deadline = Date.now() + 15_000;
    const readerName = pcscd.readerName;
    while (!(await backend.listReaders()).some((reader) => reader.name === readerName && reader.cardPresent)) {
      if (Date.now() > deadline) throw new Error(`the served card never showed up:\n${pcscd.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  afterAll(async () => {
    await served?.stop();
    await pcscd?.stop();
    if (home !== '') rmSync(home, { recursive: true, force: true });
  });

  it('accounts our driver writes are listed by ykman, and its codes equal oathtool\'s', async () => {
    await onTheKey(async (session) => {
      await session.put({ issuer: 'Latchkey', account: 'alice', type: 'totp', algorithm: 'SHA1', digits: 6, secret: Buffer.from(ALICE_HEX, 'hex') });
      await session.put({ issuer: 'Bank', account: 'bob', type: 'totp', algorithm: 'SHA256', digits: 8, period: 60, secret: Buffer.from(BOB_HEX, 'hex') });
    });
    expect((await ykmanOk(['oath', 'accounts', 'list'])).trim().split('\n').sort()).toEqual(['60/Bank:bob', 'Latchkey:alice']);

    const before = now();
    const alice = (await ykmanOk(['oath', 'accounts', 'code', '-s', 'Latchkey:alice'])).trim();
    const bob = (await ykmanOk(['oath', 'accounts', 'code', '-s', 'Bank:bob'])).trim();
    const after = now();
    const window = (keyHex: string, options: Parameters<typeof oathtoolTotp>[2]) => new Set(Array.from({ length: after - before + 1 }, (_, index) => oathtoolTotp(keyHex, before + index, options)));
    expect(window(ALICE_HEX, {})).toContain(alice);
    expect(window(BOB_HEX, { algorithm: 'sha256', digits: 8, period: 60 })).toContain(bob);
  });

  it('an account ykman adds is listed by our driver, which computes oathtool\'s codes for it', async () => {
    await ykmanOk(['oath', 'accounts', 'add', '-f', '-i', 'Ykman', 'carol', CAROL_BASE32]);
    const time = 1_111_111_109;
    const codes = await onTheKey(async (session) => {
      const listed = await session.list();
      expect(listed.map((credential) => credential.name).sort()).toEqual(['60/Bank:bob', 'Latchkey:alice', 'Ykman:carol']);
      const found = (name: string) => {
        const credential = listed.find((candidate) => candidate.name === name);
        if (credential === undefined) throw new Error(`${name} not listed`);
        return credential;
      };
      return {
        carol: (await session.calculate(found('Ykman:carol'), { time })).value,
        alice: (await session.calculate(found('Latchkey:alice'), { time })).value,
        bob: (await session.calculate(found('60/Bank:bob'), { time })).value,
      };
    });
    const carolHex = Buffer.from('12345678901234567890').toString('hex');
    expect(codes).toEqual({
      carol: oathtoolTotp(carolHex, time),
      alice: oathtoolTotp(ALICE_HEX, time),
      bob: oathtoolTotp(BOB_HEX, time, { algorithm: 'sha256', digits: 8, period: 60 }),
    });
  });

  it('a password ykman sets: our driver is refused without it (KEY_PIN_REQUIRED) and with a wrong one (KEY_PIN_WRONG), and with it lists and computes oathtool\'s codes', async () => {
    await ykmanOk(['oath', 'access', 'change', '--new-password', PASSWORD_FROM_YKMAN]);
    const time = 1_234_567_890;
    const codes = await onTheKey(async (session) => {
      expect(session.info.hasPassword).toBe(true);
      await expect(session.list()).rejects.toMatchObject({ code: 'KEY_PIN_REQUIRED', details: { kind: 'password' } });
      await expect(session.unlock({ password: 'not the password' })).rejects.toMatchObject({ code: 'KEY_PIN_WRONG', details: { kind: 'password' } });
      // A wrong VALIDATE leaves the SELECT challenge valid (sheet §8): the right password works in the same session.
      await session.unlock({ password: PASSWORD_FROM_YKMAN });
      expect((await session.list()).map((credential) => credential.name).sort()).toEqual(['60/Bank:bob', 'Latchkey:alice', 'Ykman:carol']);
      const calculated = await session.calculateAll({ time });
      return Object.fromEntries(calculated.map((entry) => [entry.credential.name, entry.code?.value]));
    });
    expect(codes).toEqual({
      'Latchkey:alice': oathtoolTotp(ALICE_HEX, time),
      '60/Bank:bob': oathtoolTotp(BOB_HEX, time, { algorithm: 'sha256', digits: 8, period: 60 }),
      'Ykman:carol': oathtoolTotp(Buffer.from('12345678901234567890').toString('hex'), time),
    });

    await ykmanOk(['oath', 'access', 'change', '--password', PASSWORD_FROM_YKMAN, '--clear']);
    expect(await onTheKey((session) => Promise.resolve(session.info.hasPassword))).toBe(false);
  });

  it('a password our driver sets: ykman is refused without it and with a wrong one, lists and shows oathtool\'s codes with it; our driver clears it', async () => {
    await onTheKey((session) => session.setPassword(PASSWORD_FROM_US));
    expect((await ykman(['oath', 'accounts', 'list'])).code).not.toBe(0); // it asks for the password; stdin is empty
    const wrong = await ykman(['oath', 'accounts', 'list', '--password', 'not the password']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Wrong password/);

    expect((await ykmanOk(['oath', 'accounts', 'list', '--password', PASSWORD_FROM_US])).trim().split('\n').sort()).toEqual(['60/Bank:bob', 'Latchkey:alice', 'Ykman:carol']);
    const before = now();
    const codes = parseCodes(await ykmanOk(['oath', 'accounts', 'code', '--password', PASSWORD_FROM_US]));
    const after = now();
    const window = (keyHex: string, options: Parameters<typeof oathtoolTotp>[2] = {}) => new Set(Array.from({ length: after - before + 1 }, (_, index) => oathtoolTotp(keyHex, before + index, options)));
    expect(window(ALICE_HEX)).toContain(codes.get('Latchkey:alice'));
    expect(window(BOB_HEX, { algorithm: 'sha256', digits: 8, period: 60 })).toContain(codes.get('60/Bank:bob'));
    expect(window(Buffer.from('12345678901234567890').toString('hex'))).toContain(codes.get('Ykman:carol'));

    await onTheKey(async (session) => {
      await session.unlock({ password: PASSWORD_FROM_US });
      await session.setPassword(null);
    });
    expect((await ykmanOk(['oath', 'accounts', 'list'])).trim().split('\n')).toHaveLength(3);
  });

  it('a touch credential our driver writes: ykman shows [Requires Touch], holds on until the card is touched, then prints oathtool\'s code', async () => {
    await onTheKey((session) => session.put({ issuer: 'Latchkey', account: 'dave', type: 'totp', algorithm: 'SHA1', digits: 6, secret: Buffer.from(DAVE_HEX, 'hex'), touch: true }));
    const listing = parseCodes(await ykmanOk(['oath', 'accounts', 'code']));
    expect(listing.get('Latchkey:dave')).toBe('[Requires Touch]');
    expect(listing.get('Latchkey:alice')).toMatch(/^\d{6}$/);

    setServedTouchPolicy({ kind: 'never' });
    try {
      let prompted!: () => void;
      const touchPrompt = new Promise<void>((resolve) => (prompted = resolve));
      const before = now();
      let stderrSoFar = '';
      const pending = ykman(['oath', 'accounts', 'code', '-s', 'Latchkey:dave'], {
        onStderr: (text) => {
          stderrSoFar += text;
          if (stderrSoFar.includes('Touch your YubiKey')) prompted();
        },
      });
      let finished = false;
      void pending.then(() => (finished = true));
      // ykman prompts, then sends the CALCULATE; should it end first, the assertions below say how.
      await Promise.race([touchPrompt, pending]);
      await pause(300);
      expect(finished, 'ykman ended before the card was touched').toBe(false);
      setServedTouchPolicy({ kind: 'auto' });
      const result = await pending;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/Touch your YubiKey/);
      expect(new Set(Array.from({ length: now() - before + 1 }, (_, index) => oathtoolTotp(DAVE_HEX, before + index)))).toContain(result.stdout.trim());
    } finally {
      setServedTouchPolicy({ kind: 'auto' });
    }
  });

  it('a touch credential ykman adds (--touch): our driver says it needs a touch, prompts needsTouch, and computes oathtool\'s code once touched', async () => {
    await ykmanOk(['oath', 'accounts', 'add', '-f', '--touch', '-i', 'Ykman', 'erin', ERIN_BASE32]);
    setServedTouchPolicy({ kind: 'never' });
    const time = 1_500_000_000;
    const events: string[] = [];
    let finger: NodeJS.Timeout | undefined;
    try {
      const code = await onTheKey(async (session) => {
        const all = await session.calculateAll({ time });
        const erin = all.find((entry) => entry.credential.name === 'Ykman:erin');
        expect(erin).toMatchObject({ code: null, notComputed: 'touch', credential: { touch: true } });
        expect(all.find((entry) => entry.credential.name === 'Latchkey:dave')).toMatchObject({ code: null, notComputed: 'touch' });
        if (erin === undefined) throw new Error('Ykman:erin not listed');
        const computed = await session.calculate(erin.credential, {
          time,
          onProgress: (progress) => {
            if (!progress.needsTouch) return;
            events.push('asked for a touch');
            // The finger comes a little later: the card must hold its answer until then.
            finger = setTimeout(() => {
              events.push('touched');
              setServedTouchPolicy({ kind: 'auto' });
            }, 300);
          },
        });
        events.push('computed');
        return computed.value;
      });
      expect(events).toEqual(['asked for a touch', 'touched', 'computed']);
      expect(code).toBe(oathtoolTotp(ERIN_HEX, time));
    } finally {
      clearTimeout(finger);
      setServedTouchPolicy({ kind: 'auto' });
    }
  });
});
