import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorCli } from './test-support/emulate-cli.js';
import { insertEmulatedCard } from './test-support/vpcd-card.js';
import { privatePcscdMissing, startPrivatePcscd, type PrivatePcscd, type RunResult } from './pcscd/private-pcscd.js';
import { openEmulatedYubiKeyOath, type EmulatedYubiKeyOath, type VpcdConnection } from './yubikey-oath.js';

/**
 * Yubico's own ykman (Debian yubikey-manager) against the emulated card, through a real pcscd and
 * vsmartcard's vpcd in a private namespace (sheet §13): accounts added, listed and computed by
 * ykman, codes equal to oathtool's; a touch account; a password-protected card.
 */
const has = (tool: string) => spawnSync('which', [tool]).status === 0;
const missing = privatePcscdMissing() ?? (has('ykman') ? null : 'ykman is not installed (Debian: apt install yubikey-manager)') ?? (has('oathtool') ? null : 'oathtool is not installed');
const onCi = process.env['CI'] === 'true';

const ALICE = 'JBSWY3DPEHPK3PXP';
const BOB = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const HOTP = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const PASSWORD = 'correct horse battery staple';

interface OathtoolParams {
  readonly secret: string;
  readonly digits?: number;
  readonly algorithm?: 'sha1' | 'sha256' | 'sha512';
  readonly period?: number;
}

/** The codes oathtool gives for every second in [from, to]: ykman ran somewhere in between. */
function totpCodesBetween(from: number, to: number, p: OathtoolParams): Set<string> {
  const codes = new Set<string>();
  for (let t = from; t <= to; t++) {
    const args = [`--totp=${p.algorithm ?? 'sha1'}`, `--digits=${String(p.digits ?? 6)}`, `--time-step-size=${String(p.period ?? 30)}s`, `--now=@${String(t)}`, '-b', p.secret];
    codes.add(execFileSync('oathtool', args, { encoding: 'utf8' }).trim());
  }
  return codes;
}

function hotpCode(secret: string, counter: number): string {
  return execFileSync('oathtool', ['--hotp', `--counter=${String(counter)}`, '-b', secret], { encoding: 'utf8' }).trim();
}

/** `ykman oath accounts code` lines: name, spaces, code (or a bracketed note). */
function parseCodes(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.trim().split('\n')) {
    const match = /^(.*?)\s{2,}(\S.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) out.set(match[1], match[2]);
  }
  return out;
}

const now = () => Math.floor(Date.now() / 1000);

describe.skipIf(missing !== null && !onCi)(`ykman drives the emulated YubiKey OATH card through a private pcscd${missing === null ? '' : ` (skipped: ${missing})`}`, () => {
  let pcscd: PrivatePcscd | null = null;
  let card: EmulatedYubiKeyOath | null = null;
  let connection: VpcdConnection | null = null;
  let home = '';

  async function ykman(args: readonly string[], reader = pcscd?.readerName ?? ''): Promise<RunResult> {
    if (pcscd === null) throw new Error('no private pcscd');
    // HOME apart, so ykman neither reads nor writes the user's remembered passwords.
    return pcscd.run('ykman', ['--reader', reader, ...args], { timeoutMs: 40_000, env: { HOME: home } });
  }

  async function ykmanOk(args: readonly string[], reader?: string): Promise<string> {
    const result = await ykman(args, reader);
    expect(result.code, `ykman ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  }

  beforeAll(async () => {
    if (missing !== null) return;
    home = mkdtempSync(join(tmpdir(), 'latchkey-ykman-home-'));
    pcscd = await startPrivatePcscd();
    card = openEmulatedYubiKeyOath({ serial: 12345678, firmware: [5, 4, 3] });
    connection = (await insertEmulatedCard(pcscd, card)).connection;
  });

  /** pcscd polls for the card: wait until ykman can talk to it. */
  async function untilUsable(reader: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const info = await ykman(['info'], reader);
      if (info.code === 0) return;
      if (Date.now() > deadline) throw new Error(`the card never became usable: ${info.stderr}\n${pcscd?.log() ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  afterAll(async () => {
    await connection?.close();
    await pcscd?.stop();
    if (home !== '') rmSync(home, { recursive: true, force: true });
  });

  it('has every piece it needs (CI installs pcscd, vsmartcard-vpcd, yubikey-manager and oathtool, as root)', () => {
    expect(missing).toBeNull();
  });

  it('ykman info reads the Management applet: serial and firmware', async () => {
    const info = await ykmanOk(['info']);
    expect(info).toMatch(/Serial number: 12345678/);
    expect(info).toMatch(/Firmware version: 5\.4\.3/);
  });

  it('accounts ykman adds are listed and computed, with the codes oathtool gives', async () => {
    await ykmanOk(['oath', 'accounts', 'add', '-f', '-i', 'Example', 'alice@example.com', ALICE]);
    await ykmanOk(['oath', 'accounts', 'add', '-f', '-i', 'Bank', '-a', 'SHA256', '-d', '8', '-P', '60', 'bob', BOB]);
    await ykmanOk(['oath', 'accounts', 'add', '-f', '-o', 'HOTP', '-c', '5', '-i', 'Counter', 'carol', HOTP]);

    const listed = (await ykmanOk(['oath', 'accounts', 'list'])).trim().split('\n').sort();
    expect(listed).toEqual(['60/Bank:bob', 'Counter:carol', 'Example:alice@example.com']);
    expect(card?.snapshot().credentials.map((c) => Buffer.from(c.idHex, 'hex').toString())).toEqual(['Example:alice@example.com', '60/Bank:bob', 'Counter:carol']);

    const before = now();
    const codes = parseCodes(await ykmanOk(['oath', 'accounts', 'code']));
    const after = now();
    expect(totpCodesBetween(before, after, { secret: ALICE })).toContain(codes.get('Example:alice@example.com'));
    expect(totpCodesBetween(before, after, { secret: BOB, algorithm: 'sha256', digits: 8, period: 60 })).toContain(codes.get('60/Bank:bob'));
    expect(codes.get('Counter:carol')).toBe('[HOTP Account]');

    // An HOTP code is computed only for a single match; the key starts at the initial counter.
    expect((await ykmanOk(['oath', 'accounts', 'code', '-s', 'Counter:carol'])).trim()).toBe(hotpCode(HOTP, 5));
    expect((await ykmanOk(['oath', 'accounts', 'code', '-s', 'Counter:carol'])).trim()).toBe(hotpCode(HOTP, 6));
  });

  it('a touch account waits for the button and then gives oathtool\'s code', async () => {
    await ykmanOk(['oath', 'accounts', 'add', '-f', '-t', '-i', 'Touch', 'dave', ALICE]);
    const listing = parseCodes(await ykmanOk(['oath', 'accounts', 'code']));
    expect(listing.get('Touch:dave')).toBe('[Requires Touch]');

    const emulated = card;
    if (emulated === null) throw new Error('no card');
    emulated.setTouchPolicy({ kind: 'never' });
    const before = now();
    const pending = ykman(['oath', 'accounts', 'code', '-s', 'Touch:dave']);
    while (!emulated.waitingForTouch) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(emulated.touch()).toBe(true);
    const result = await pending;
    expect(result.code, result.stderr).toBe(0);
    expect(totpCodesBetween(before, now(), { secret: ALICE })).toContain(result.stdout.trim());
    emulated.setTouchPolicy({ kind: 'auto' });
  });

  it('a password-protected card: locked without the password, codes with it, and cleared again', async () => {
    await ykmanOk(['oath', 'access', 'change', '-n', PASSWORD]);
    expect(card?.snapshot().access).not.toBeNull();

    const locked = await ykman(['oath', 'accounts', 'list']);
    expect(locked.code).not.toBe(0);
    const wrong = await ykman(['oath', 'accounts', 'list', '-p', 'not the password']);
    expect(wrong.code).not.toBe(0);

    const listed = (await ykmanOk(['oath', 'accounts', 'list', '-p', PASSWORD])).trim().split('\n').sort();
    expect(listed).toEqual(['60/Bank:bob', 'Counter:carol', 'Example:alice@example.com', 'Touch:dave']);
    const before = now();
    const code = (await ykmanOk(['oath', 'accounts', 'code', '-p', PASSWORD, '-s', 'Example:alice'])).trim();
    expect(totpCodesBetween(before, now(), { secret: ALICE })).toContain(code);

    await ykmanOk(['oath', 'access', 'change', '-p', PASSWORD, '-c']);
    expect(card?.snapshot().access).toBeNull();
    expect((await ykmanOk(['oath', 'accounts', 'list'])).trim().split('\n')).toHaveLength(4);
  });

  it('npm run emulate -- yubikey-oath --vpcd: a served card in slot 1 (fw 5.7.1), touched by rewriting its state file', async () => {
    const started = pcscd;
    if (started === null) throw new Error('no private pcscd');
    const stateFile = join(home, 'served-card.json');
    const reader = started.readerName.replace(/ 00 00$/, ' 00 01');
    const served = await startEmulatorCli(['yubikey-oath', '--vpcd', `127.0.0.1:${String(started.vpcdPort + 1)}`, '--state', stateFile, '--touch', 'never', '--firmware', '5.7.1']);
    try {
      expect(served.banner).toMatch(/^emulate: YubiKey OATH serial \d+ firmware 5\.7\.1 inserted in vpcd/);
      await untilUsable(reader);
      expect(await ykmanOk(['info'], reader)).toMatch(/Firmware version: 5\.7\.1/);
      await ykmanOk(['oath', 'accounts', 'add', '-f', '-t', '-i', 'Served', 'erin', ALICE], reader);
      const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { touchPolicy: string; credentials: { id: string; touch: boolean }[] };
      expect(saved.credentials).toMatchObject([{ id: 'Served:erin', touch: true }]);

      const before = now();
      const pending = ykman(['oath', 'accounts', 'code', '-s', 'Served:erin'], reader);
      // By now ykman is normally waiting on the card (policy never); the test's "finger" is the state
      // file. Should ykman be slower, the card finds auto at once: the assertions hold either way.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      writeFileSync(stateFile, `${JSON.stringify({ ...saved, touchPolicy: 'auto' }, null, 2)}\n`);
      const result = await pending;
      expect(result.code, result.stderr).toBe(0);
      expect(totpCodesBetween(before, now(), { secret: ALICE })).toContain(result.stdout.trim());
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});
