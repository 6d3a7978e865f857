import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AccountDraft } from '../../../shared/account.js';
import { encodeBase32 } from '../../otp/index.js';
import { readVectors } from '../../test-support/facts.js';
import { formatOtpauthUri } from './format-otpauth-uri.js';
import { parseOtpauthUri } from './parse-otpauth-uri.js';
import { UriError, type UriErrorCode } from './uri-error.js';

const vectors = z
  .object({
    valid: z.array(
      z.object({
        uri: z.string(),
        why: z.string(),
        expected: z.object({
          type: z.string(),
          issuer: z.string(),
          name: z.string(),
          secret: z.string(),
          algorithm: z.string(),
          digits: z.number(),
          period: z.number().nullable(),
          counter: z.union([z.number(), z.string()]).nullable(),
        }),
      }),
    ),
    invalid: z.array(z.object({ uri: z.string(), reason: z.string() })),
  })
  .parse(readVectors('otpauth-uris.json'));

/** The vectors name fields `name`/`secret`; ours are `label`/`secretBase32`. */
function view(draft: AccountDraft): Record<string, unknown> {
  return {
    type: draft.type,
    issuer: draft.issuer,
    name: draft.label,
    secret: encodeBase32(draft.secret),
    algorithm: draft.algorithm,
    digits: draft.digits,
    period: draft.type === 'hotp' ? null : draft.period,
    counter: draft.type === 'hotp' ? draft.counter.toString() : null,
  };
}

describe('shared/vectors/otpauth-uris.json', () => {
  it.each(vectors.valid)('reads $why', ({ uri, expected }) => {
    const counter = expected.counter === null ? null : String(expected.counter);
    expect(view(parseOtpauthUri(uri).draft)).toEqual({ ...expected, counter });
  });

  // Our code for each invalid vector, keyed by its stated reason.
  const expectedCodes: Record<string, UriErrorCode> = {
    'secret parameter missing': 'URI_BAD_SECRET',
    'secret empty': 'URI_BAD_SECRET',
    'secret contains 1, not in Base32 alphabet': 'URI_BAD_SECRET',
    'secret contains 8, not in Base32 alphabet': 'URI_BAD_SECRET',
    'secret decodes to zero bytes (single Base32 char carries <8 bits)': 'URI_BAD_SECRET',
    'HOTP without counter': 'URI_BAD_COUNTER',
    'negative counter': 'URI_BAD_COUNTER',
    'unknown OTP type host': 'URI_BAD_TYPE',
    'type host missing': 'URI_BAD_TYPE',
    'wrong scheme': 'URI_BAD_SCHEME',
    'MD5 not supported for TOTP': 'URI_BAD_ALGORITHM',
    'unknown algorithm': 'URI_BAD_ALGORITHM',
    'digits not an integer': 'URI_BAD_DIGITS',
    'digits out of range (accept 1..10)': 'URI_BAD_DIGITS',
    'period must be > 0': 'URI_BAD_PERIOD',
    'period not an integer': 'URI_BAD_PERIOD',
    'not an otpauth URI (migration payload handled by a different parser; here truncated too)': 'URI_BAD_SCHEME',
    'malformed percent-encoding': 'URI_MALFORMED',
  };

  it.each(vectors.invalid)('refuses: $reason', ({ uri, reason }) => {
    const expectedCode = expectedCodes[reason];
    expect(expectedCode, `no expected code for "${reason}"`).toBeDefined();
    const error = captureUriError(uri);
    expect(error.code).toBe(expectedCode);
    expectNoLeak(error.message, uri);
  });
});

describe('refusals beyond the vectors', () => {
  it.each<[string, UriErrorCode]>([
    [`otpauth://totp/a?secret=${'A'.repeat(5000)}`, 'URI_TOO_LONG'],
    ['otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&secret=GEZDGNBV', 'URI_MALFORMED'],
    ['otpauth://totp/a%ZZ?secret=JBSWY3DPEHPK3PXP', 'URI_MALFORMED'],
    ['otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=86401', 'URI_BAD_PERIOD'],
    ['otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551616', 'URI_BAD_COUNTER'],
    ['otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=1.5', 'URI_BAD_COUNTER'],
    [`otpauth://totp/${'x'.repeat(300)}?secret=JBSWY3DPEHPK3PXP`, 'URI_MALFORMED'],
    ['otpauth-migration://offline?data=CjUKEPqlBekz', 'URI_BAD_SCHEME'],
    ['', 'URI_BAD_SCHEME'],
  ])('%s → %s', (uri, code) => {
    expect(captureUriError(uri).code).toBe(code);
  });

  it('never puts the secret in a message', () => {
    const secret = 'JBSWY3DPEHPK3PX1ZZZZ';
    const error = captureUriError(`otpauth://totp/a?secret=${secret}`);
    expectNoLeak(error.message, secret);
  });
});

describe('warnings', () => {
  it('warns when label prefix and issuer parameter disagree', () => {
    const { warnings } = parseOtpauthUri('otpauth://totp/Label:nora?secret=JBSWY3DPEHPK3PXP&issuer=Param');
    expect(warnings.join()).toMatch(/disagree/);
  });

  it('strips bidi overrides and control characters, and says so', () => {
    const parsed = parseOtpauthUri('otpauth://totp/Bank:%E2%80%AEevil%07?secret=JBSWY3DPEHPK3PXP');
    expect(parsed.draft.label).toBe('evil');
    expect(parsed.warnings.join()).toMatch(/label: control or text-direction/);
  });

  it('warns about unusual digit counts', () => {
    expect(parseOtpauthUri('otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=7').warnings.join()).toMatch(/unusual/);
  });
});

describe('format', () => {
  it('writes the canonical form of shared/formats/otpauth-uri.md', () => {
    const { draft } = parseOtpauthUri('otpauth://totp/ACME%20Co:john.doe@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co');
    expect(formatOtpauthUri(draft)).toBe(
      'otpauth://totp/ACME%20Co:john.doe%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('writes Steam with encoder=steam, or the steam host when asked', () => {
    const { draft } = parseOtpauthUri('otpauth://steam/Steam:gamer?secret=JRZCL47CMXVOQMNPZR2F7J4RGI');
    expect(formatOtpauthUri(draft)).toMatch(/^otpauth:\/\/totp\/Steam:gamer\?.*&digits=5&period=30&encoder=steam$/);
    expect(formatOtpauthUri(draft, 'host')).toMatch(/^otpauth:\/\/steam\//);
  });

  // Names as they survive parsing: trimmed, without control or bidi characters.
  const displayText = fc
    .string({ unit: 'grapheme', maxLength: 40 })
    .map((s) => s.replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu, '').trim())
    .filter((s) => s.length <= 256);
  const draftArbitrary: fc.Arbitrary<AccountDraft> = fc.record({
    issuer: fc.oneof(displayText, fc.constantFrom('', 'a:b', 'C++ Club', 'x#y', '100%', 'A&B=C?')),
    label: fc.oneof(displayText, fc.constantFrom('', 'b:c', 'me@example.com', ' ')),
    secret: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    otp: fc.oneof(
      fc.record({
        type: fc.constant('totp' as const),
        algorithm: fc.constantFrom('SHA1', 'SHA256', 'SHA512' as const),
        digits: fc.integer({ min: 1, max: 10 }),
        period: fc.integer({ min: 1, max: 86_400 }),
      }),
      fc.record({
        type: fc.constant('hotp' as const),
        algorithm: fc.constantFrom('SHA1', 'SHA256', 'SHA512' as const),
        digits: fc.integer({ min: 1, max: 10 }),
        counter: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      }),
      fc.record({
        type: fc.constant('steam' as const),
        algorithm: fc.constant('SHA1' as const),
        digits: fc.constant(5),
        period: fc.integer({ min: 1, max: 86_400 }),
      }),
    ),
  }).map(({ otp, issuer, label, secret }) => ({ ...otp, issuer: issuer.trim(), label: label.trim(), secret }));

  it('parse(format(account)) gives the account back, for any account', () => {
    fc.assert(
      fc.property(draftArbitrary, fc.constantFrom('encoder', 'host' as const), (draft, style) => {
        expect(parseOtpauthUri(formatOtpauthUri(draft, style)).draft).toEqual(draft);
      }),
      { numRuns: 1000 },
    );
  });
});

function captureUriError(uri: string): UriError {
  try {
    parseOtpauthUri(uri);
  } catch (error) {
    if (error instanceof UriError) return error;
    throw error;
  }
  throw new Error(`expected ${uri} to be refused`);
}

function expectNoLeak(message: string, uri: string): void {
  expect(message).not.toContain(uri);
  const secret = /secret=([^&]+)/.exec(uri)?.[1];
  if (secret !== undefined && secret.length > 3) expect(message).not.toContain(secret);
}
