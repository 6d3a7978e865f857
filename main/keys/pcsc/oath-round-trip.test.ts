import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorCli, type EmulatorProcess } from '../emulators/test-support/emulate-cli.js';
import { privatePcscdMissing, startPrivatePcscd, type PrivatePcscd, type RunResult } from '../emulators/pcscd/private-pcscd.js';
import { OathSession, yubikeyDialect } from '../oath/index.js';
import type { PcscBackend } from './pcsc-backend.js';
import { withPcscCard } from './pcsc-transport.js';
import { createSmartcardBackend, loadSmartcard } from './smartcard-adapter.js';

/**
 * The whole PC/SC path: our smartcard adapter + transport + OATH session on one side, Yubico's ykman
 * on the other, both through one real pcscd (private namespace) to the emulated YubiKey OATH card
 * served by `npm run emulate -- yubikey-oath --vpcd` (its own process: the addon's synchronous PC/SC
 * calls must not wait on a card living on this event loop). What one side writes, the other reads,
 * and every code equals oathtool's. Under CI=true nothing here may skip.
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

function oathtoolTotp(keyHex: string, time: number, options: { digits?: number; algorithm?: string; period?: number } = {}): string {
  const args = [`--totp=${options.algorithm ?? 'sha1'}`, `--digits=${String(options.digits ?? 6)}`, `--time-step-size=${String(options.period ?? 30)}s`, `--now=@${String(time)}`, keyHex];
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

const now = () => Math.floor(Date.now() / 1000);

describe.skipIf(missing !== null && !CI)(`our PC/SC transport and OATH session against ykman, through a private pcscd${missing === null ? '' : ` (skipped: ${missing})`}`, () => {
  let pcscd: PrivatePcscd | undefined;
  let served: EmulatorProcess | undefined;
  let backend: PcscBackend;
  let home = '';

  const ykman = (args: readonly string[]): Promise<RunResult> => {
    if (pcscd === undefined) throw new Error('no private pcscd');
    // HOME apart: ykman neither reads nor writes the user's remembered passwords.
    return pcscd.run('ykman', ['--reader', pcscd.readerName, ...args], { timeoutMs: 40_000, env: { HOME: home } });
  };
  const ykmanOk = async (args: readonly string[]): Promise<string> => {
    const result = await ykman(args);
    expect(result.code, `ykman ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const onTheKey = <T>(work: (session: OathSession) => Promise<T>): Promise<T> =>
    withPcscCard(backend, pcscd?.readerName ?? '', async (transport) => work(await OathSession.open(transport, yubikeyDialect)));

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
});
