import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.js';
import { nitrokey3Dialect, yubikeyDialect, type OathDialect } from './dialects.js';
import { describeCredential } from './listing.js';
import type { OathAlgorithm, OathType } from './model.js';
import { OathSession } from './session.js';
import { ScriptedApduTransport, type ApduStep } from './test-support/scripted-apdu-transport.js';

/**
 * Codes our session computes from the keys' answers in the vectors, against Debian's oathtool run
 * on the ORIGINAL secrets (before any hashing or padding for the key). The session sends the
 * vector's CALCULATE byte for byte, so this checks the challenge, the truncation and the padding.
 * On CI a missing oathtool is a failure, not a skip.
 */
const oathtoolPresent = ((): boolean => {
  try {
    execFileSync('oathtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface Exchange {
  readonly capdu: string;
  readonly rapdu: string;
}
const yk = (JSON.parse(readFileSync(new URL('../../../../shared/vectors/yubikey-oath.json', import.meta.url), 'utf8')) as { vectors: { id: string; exchanges: Exchange[] }[] }).vectors;
const ykExchange = (id: string, index = 0): Exchange => {
  const exchange = yk.find((vector) => vector.id === id)?.exchanges[index];
  if (exchange === undefined) throw new Error(id);
  return exchange;
};

interface Case {
  readonly vector: string;
  readonly exchange?: number;
  readonly dialect: OathDialect;
  readonly select: ApduStep;
  readonly calculate: ApduStep;
  readonly id: string;
  readonly type: OathType;
  readonly algorithm: OathAlgorithm;
  readonly secretHex: string;
  readonly digits: number;
  /** TOTP: the time and period; HOTP: the counter the key used. */
  readonly time: number;
  readonly period: number;
  readonly counter?: number;
  readonly full?: boolean;
}

const SEED_SHA1 = '3132333435363738393031323334353637383930';
const SEED_SHA256 = '3132333435363738393031323334353637383930313233343536373839303132';
const SEED_SHA512 = '31323334353637383930313233343536373839303132333435363738393031323334353637383930313233343536373839303132333435363738393031323334';
const LONG_70 = Array.from({ length: 70 }, (_, index) => (index + 1).toString(16).padStart(2, '0')).join('');
const ykSelect = ykExchange('select-no-password');
const nk3Select = { capdu: '00a4040007a0000005272101', rapdu: '7903040e007108269f14543a0ec7ac8f041a2b3c4d9000' };

const ykCase = (vector: string, rest: Omit<Case, 'vector' | 'dialect' | 'select' | 'calculate'>, exchange = 0): Case => ({
  vector,
  dialect: yubikeyDialect,
  select: ykSelect,
  calculate: ykExchange(vector, exchange),
  ...rest,
});

const cases: Case[] = [
  ykCase('calculate-totp-truncated', { id: 'Example:alice@example.com', type: 'totp', algorithm: 'SHA1', secretHex: SEED_SHA1, digits: 6, time: 1_111_111_109, period: 30 }),
  ykCase('calculate-totp-full', { id: 'Example:alice@example.com', type: 'totp', algorithm: 'SHA1', secretHex: SEED_SHA1, digits: 6, time: 1_111_111_109, period: 30, full: true }),
  ykCase('calculate-totp-sha256', { id: 'SHA256:bob', type: 'totp', algorithm: 'SHA256', secretHex: SEED_SHA256, digits: 8, time: 59, period: 30 }),
  ykCase('calculate-totp-sha512', { id: 'SHA512:carol', type: 'totp', algorithm: 'SHA512', secretHex: SEED_SHA512, digits: 8, time: 20_000_000_000, period: 30 }),
  ykCase('calculate-totp-period-60', { id: '60/Period60:henry', type: 'totp', algorithm: 'SHA1', secretHex: SEED_SHA1, digits: 6, time: 1_234_567_890, period: 60 }),
  ykCase('calculate-long-key', { id: 'LongKey:sha1-70', type: 'totp', algorithm: 'SHA1', secretHex: LONG_70, digits: 6, time: 1_111_111_109, period: 30 }),
  ykCase('calculate-short-key', { id: 'Short:JBSWY3DPEHPK3PXP', type: 'totp', algorithm: 'SHA1', secretHex: '48656c6c6f21deadbeef', digits: 6, time: 1_111_111_109, period: 30 }),
  ykCase('calculate-after-validate', { id: 'Touch:grace', type: 'totp', algorithm: 'SHA512', secretHex: SEED_SHA512, digits: 6, time: 2_000_000_000, period: 30 }),
  ykCase('calculate-hotp', { id: 'Example:hotp', type: 'hotp', algorithm: 'SHA1', secretHex: SEED_SHA1, digits: 6, time: 0, period: 0, counter: 0 }),
  ykCase('calculate-hotp', { id: 'Example:hotp', type: 'hotp', algorithm: 'SHA1', secretHex: SEED_SHA1, digits: 6, time: 0, period: 0, counter: 1 }, 1),
  ykCase('calculate-hotp-full', { id: 'Example:hotp', type: 'hotp', algorithm: 'SHA1', secretHex: SEED_SHA1, digits: 6, time: 0, period: 0, counter: 2, full: true }),
  ykCase('calculate-hotp-initial-counter', { id: 'Example:hotp-imf5', type: 'hotp', algorithm: 'SHA1', secretHex: SEED_SHA1, digits: 6, time: 0, period: 0, counter: 5 }),
  {
    vector: 'nk3 calculate-totp',
    dialect: nitrokey3Dialect,
    select: nk3Select,
    calculate: { capdu: '00a2000118710c4769744875623a616c696365740800000000023523ec', rapdu: '7605063610f84c9000' },
    id: 'GitHub:alice',
    type: 'totp',
    algorithm: 'SHA1',
    secretHex: SEED_SHA1,
    digits: 6,
    time: 1_111_111_109,
    period: 30,
  },
  {
    // oathtool's HOTP is SHA1 only; HOTP counter 1 equals TOTP at t = 59 with 30-s steps.
    vector: 'nk3 calculate-hotp-touch-keepalive',
    dialect: nitrokey3Dialect,
    select: nk3Select,
    calculate: {
      capdu: '00a200014e714241434d4520436f72706f726174696f6e202873746167696e67293a616c6963652e6c6f6e676e616d652b6f7470406163636f756e74732e6578616d706c652e636f6d74080000000000000000',
      rapdu: '7605082c78e04e9000',
    },
    id: 'ACME Corporation (staging):alice.longname+otp@accounts.example.com',
    type: 'hotp',
    algorithm: 'SHA256',
    secretHex: SEED_SHA256,
    digits: 8,
    time: 59,
    period: 30,
    counter: 1,
  },
];

function oathtool(c: Case): string {
  const asTotp = c.type === 'totp' || c.algorithm !== 'SHA1';
  const args = asTotp
    ? [`--totp=${c.algorithm.toLowerCase()}`, '-d', String(c.digits), '-s', String(c.period), `--now=@${String(c.time)}`, c.secretHex]
    : ['-d', String(c.digits), '-c', String(c.counter ?? 0), c.secretHex];
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

describe.skipIf(!oathtoolPresent && process.env['CI'] !== 'true')('session codes agree with oathtool on the original secrets', () => {
  it.each(cases.map((c) => [`${c.vector}${c.counter === undefined ? '' : ` (counter ${String(c.counter)})`}`, c] as const))('%s', async (_name, c) => {
    const clock = createManualClock();
    const transport = new ScriptedApduTransport([c.select, c.calculate], clock);
    const session = await OathSession.open(transport, c.dialect, { clock });
    const credential = describeCredential(new TextEncoder().encode(c.id), c.type, { algorithm: c.algorithm, touch: false });
    const code = await session.calculate(credential, { time: c.time, ...(c.full === true ? { full: true } : {}) });
    expect(transport.remaining).toBe(0);
    expect(code.value).toBe(oathtool(c));
  });
});
