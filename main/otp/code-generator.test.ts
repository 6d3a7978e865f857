import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALGORITHMS, type OtpParams } from '../../shared/account.js';
import { readVectors } from '../test-support/facts.js';
import { decodeBase32 } from './base32.js';
import { createCodeGenerator } from './code-generator.js';

const algorithm = z.enum(ALGORITHMS);
const vectorsSchema = z.object({
  hotp: z.array(
    z.object({ secretHex: z.string(), secretBase32: z.string(), algorithm, digits: z.number(), counter: z.number(), code: z.string() }),
  ),
  totp: z.array(
    z.object({
      secretHex: z.string(),
      secretBase32: z.string(),
      algorithm,
      digits: z.number(),
      period: z.number(),
      unixTime: z.number(),
      code: z.string(),
    }),
  ),
  steam: z.array(z.object({ secretHex: z.string(), secretBase32: z.string(), unixTime: z.number(), code: z.string() })),
});
const vectors = vectorsSchema.parse(readVectors('otp.json'));

function codeOf(params: OtpParams, secretHex: string, unixSeconds = 0): string {
  return createCodeGenerator(params, Buffer.from(secretHex, 'hex')).codeAt(unixSeconds * 1000).code;
}

describe('known answers from shared/vectors/otp.json', () => {
  it.each(vectors.hotp)('HOTP $algorithm/$digits counter $counter → $code', (v) => {
    expect(codeOf({ type: 'hotp', algorithm: v.algorithm, digits: v.digits, counter: BigInt(v.counter) }, v.secretHex)).toBe(v.code);
  });

  it.each(vectors.totp)('TOTP $algorithm/$digits/$period at $unixTime → $code', (v) => {
    expect(codeOf({ type: 'totp', algorithm: v.algorithm, digits: v.digits, period: v.period }, v.secretHex, v.unixTime)).toBe(v.code);
  });

  it.each(vectors.steam)('Steam at $unixTime → $code', (v) => {
    expect(codeOf({ type: 'steam', algorithm: 'SHA1', digits: 5, period: 30 }, v.secretHex, v.unixTime)).toBe(v.code);
  });

  it('decodes every vector secret from Base32 to the same bytes as its hex', () => {
    for (const v of [...vectors.hotp, ...vectors.totp, ...vectors.steam]) {
      const decoded = decodeBase32(v.secretBase32);
      expect(decoded.ok && Buffer.from(decoded.bytes).toString('hex')).toBe(v.secretHex);
    }
  });
});

describe('validity windows', () => {
  const totp: OtpParams = { type: 'totp', algorithm: 'SHA1', digits: 6, period: 30 };
  const key = Buffer.from('3132333435363738393031323334353637383930', 'hex');

  it('starts a new window exactly on the period boundary', () => {
    const generator = createCodeGenerator(totp, key);
    expect(generator.codeAt(59_999)).toMatchObject({ validFrom: 30, validUntil: 60 });
    expect(generator.codeAt(60_000)).toMatchObject({ validFrom: 60, validUntil: 90 });
  });

  it('has no window for HOTP', () => {
    const generator = createCodeGenerator({ type: 'hotp', algorithm: 'SHA1', digits: 6, counter: 0n }, key);
    expect(generator.codeAt(123_000)).toEqual({ code: '755224', validFrom: null, validUntil: null });
  });

  it('handles times past 2^31 and 2^32 seconds', () => {
    const generator = createCodeGenerator(totp, key);
    const at = 2 ** 32 * 1000;
    expect(generator.codeAt(at)).toMatchObject({ validFrom: Math.floor(2 ** 32 / 30) * 30 });
    expect(generator.codeAt(at).code).toMatch(/^\d{6}$/);
  });
});

describe('HOTP counters beyond 2^53', () => {
  const key = Buffer.from('3132333435363738393031323334353637383930', 'hex');

  // Expected codes from `oathtool -c COUNTER -d 8` (Debian oath-toolkit 2.6.7) on the RFC 4226 key.
  it.each([
    [9_007_199_254_740_993n, '70354518'],
    [2n ** 64n - 1n, '63094451'],
  ])('counter %s → %s, as oathtool says', (counter, code) => {
    expect(createCodeGenerator({ type: 'hotp', algorithm: 'SHA1', digits: 8, counter }, key).codeAt(0).code).toBe(code);
  });

  it('keeps neighbouring big counters distinct (no rounding to the same float)', () => {
    const a = createCodeGenerator({ type: 'hotp', algorithm: 'SHA1', digits: 8, counter: 9_007_199_254_740_993n }, key).codeAt(0);
    const b = createCodeGenerator({ type: 'hotp', algorithm: 'SHA1', digits: 8, counter: 9_007_199_254_740_992n }, key).codeAt(0);
    expect(a.code).not.toBe(b.code);
  });

  it('takes the last counter, 2^64-1', () => {
    const last = createCodeGenerator({ type: 'hotp', algorithm: 'SHA512', digits: 10, counter: 2n ** 64n - 1n }, key).codeAt(0);
    expect(last.code).toMatch(/^\d{10}$/);
  });
});

describe('dispose', () => {
  it('wipes the generator copy, never the caller bytes', () => {
    const key = new Uint8Array([1, 2, 3, 4]);
    createCodeGenerator({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30 }, key).dispose();
    expect([...key]).toEqual([1, 2, 3, 4]);
  });
});
