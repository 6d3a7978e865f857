import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OtpParams } from '../../shared/account.js';
import { createCodeGenerator } from './code-generator.js';

/**
 * Our engine against an independent implementation: Debian's oathtool. Cases are drawn once from a
 * fixed seed, run through one batched shell script (one process for all of them), and compared
 * in-process. On CI a missing oathtool is a failure, not a skip.
 */
const oathtoolPresent = ((): boolean => {
  try {
    execFileSync('oathtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface Case {
  readonly params: OtpParams;
  readonly secretHex: string;
  readonly unixSeconds: number;
}

const algorithm = fc.constantFrom('SHA1', 'SHA256', 'SHA512' as const);
const digits = fc.integer({ min: 6, max: 8 });
const secretHex = fc.uint8Array({ minLength: 10, maxLength: 64 }).map((b) => Buffer.from(b).toString('hex'));

const totpCase: fc.Arbitrary<Case> = fc
  .record({
    algorithm,
    digits,
    period: fc.constantFrom(15, 30, 60),
    secretHex,
    // Times on both sides of 2^31 and up to 2^34; a third land exactly on a period boundary.
    seconds: fc.integer({ min: 0, max: 2 ** 34 }),
    placement: fc.constantFrom('anywhere', 'boundary', 'just-before-boundary'),
  })
  .map(({ algorithm, digits, period, secretHex, seconds, placement }) => {
    const boundary = Math.floor(seconds / period) * period;
    const unixSeconds = placement === 'anywhere' ? seconds : placement === 'boundary' ? boundary : Math.max(0, boundary - 1);
    return { params: { type: 'totp', algorithm, digits, period }, secretHex, unixSeconds };
  });

// oathtool's HOTP is SHA1 only (RFC 4226); the other algorithms are covered through TOTP above.
const hotpCase: fc.Arbitrary<Case> = fc
  .record({ digits, secretHex, counter: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) })
  .map(({ digits, secretHex, counter }) => ({ params: { type: 'hotp', algorithm: 'SHA1', digits, counter }, secretHex, unixSeconds: 0 }));

function oathtoolArgs(c: Case): string[] {
  const { params } = c;
  const digitsFlag = `--digits=${String(params.digits)}`;
  if (params.type === 'hotp') {
    return ['--hotp', digitsFlag, `--counter=${params.counter.toString()}`, c.secretHex];
  }
  return [
    `--totp=${params.algorithm.toLowerCase()}`,
    digitsFlag,
    `--time-step-size=${String(params.period)}s`,
    `--now=@${String(c.unixSeconds)}`,
    c.secretHex,
  ];
}

function runOathtoolBatch(cases: readonly Case[]): string[] {
  const script = cases.map((c) => ['oathtool', ...oathtoolArgs(c)].join(' ')).join('\n');
  return execFileSync('sh', ['-e'], { input: script, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }).trim().split('\n');
}

describe.skipIf(!oathtoolPresent && process.env['CI'] !== 'true')('agreement with oathtool', () => {
  it('is installed (CI installs it with .ci/run)', () => {
    expect(oathtoolPresent).toBe(true);
  });

  it('agrees on 1,200 randomised TOTP and HOTP cases', () => {
    const cases = [...fc.sample(totpCase, { numRuns: 1000, seed: 20261123 }), ...fc.sample(hotpCase, { numRuns: 200, seed: 7 })];
    const expected = runOathtoolBatch(cases);
    expect(expected).toHaveLength(cases.length);

    const actual = cases.map((c) => createCodeGenerator(c.params, Buffer.from(c.secretHex, 'hex')).codeAt(c.unixSeconds * 1000).code);
    const mismatches = cases.filter((_, i) => actual[i] !== expected[i]);
    expect(mismatches).toEqual([]);

    // The sample really covers what the issue names.
    expect(new Set(cases.map((c) => c.params.algorithm)).size).toBe(3);
    expect(cases.some((c) => c.unixSeconds > 2 ** 31)).toBe(true);
    expect(cases.some((c) => c.params.type === 'totp' && c.unixSeconds > 0 && c.unixSeconds % c.params.period === 0)).toBe(true);
  });
});
