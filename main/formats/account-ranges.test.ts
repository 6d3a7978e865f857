import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALGORITHMS, checkOtpParams, cleanDisplayText, LIMITS } from '../../shared/account.js';
import { parseMigrationUri, parseOtpauthUri, UriError } from '../enroll/index.js';
import { encodeMigrationPayload, type RawOtpParameters } from '../enroll/migration/migration-proto.js';
import { encodeBase32 } from '../otp/index.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { buildAccount, type LooseEntry } from './entry-builder.js';

/**
 * DESIGN.md: "One zod schema in shared/ validates an account wherever one is made." Each maker of
 * accounts keeps its own error codes, but where it says yes and where no is the schema's: the
 * boundaries below come from LIMITS/ALGORITHMS, the schema's verdict is asked first, and the URI
 * parser, the Google migration parser and the importers' entry builder must all agree with it.
 */

const SECRET = 'JBSWY3DPEHPK3PXP';
const SECRET_BYTES = new Uint8Array([0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef]);

/** 'ok', or the URI_* code the URI parser refused with. */
function uri(text: string): string {
  try {
    parseOtpauthUri(text);
    return 'ok';
  } catch (error) {
    if (error instanceof UriError) return error.code;
    throw error;
  }
}

/** 'ok', or the field of the importers' ENTRY_INVALID. */
function entry(loose: LooseEntry, warnings: string[] = []): string {
  const result = buildAccount(0, { secret: { base32: SECRET }, label: 'a', ...loose }, warnings);
  return 'field' in result ? result.field : 'ok';
}

/** 'ok', or the field of the migration parser's invalid entry. */
function migration(params: RawOtpParameters): string {
  return parseMigrationUri(migrationUri(params)).invalid[0]?.field ?? 'ok';
}

const around = (min: number, max: number) => [min - 1, min, max, max + 1];
const verdict = (ok: boolean, refusal: string) => (ok ? 'ok' : refusal);

describe('the schema holds the ranges DESIGN.md names', () => {
  it('digits 1–10 (Steam exactly 5), period 1–86400, counter 0…2^64−1, SHA1/SHA256/SHA512, names ≤ 256, secrets 1–1024 bytes', () => {
    expect(ALGORITHMS).toEqual(['SHA1', 'SHA256', 'SHA512']);
    expect(LIMITS).toMatchObject({ digitsMin: 1, digitsMax: 10, steamDigits: 5, periodMin: 1, periodMax: 86_400, counterMax: 2n ** 64n - 1n, textMax: 256, secretBytesMin: 1, secretBytesMax: 1024 });
    const totp = (digits: number, period: number) => checkOtpParams({ type: 'totp', algorithm: 'SHA1', digits, period }).ok;
    expect([0, 1, 10, 11].map((digits) => totp(digits, 30))).toEqual([false, true, true, false]);
    expect([0, 1, 86_400, 86_401].map((period) => totp(6, period))).toEqual([false, true, true, false]);
    const hotp = (counter: bigint) => checkOtpParams({ type: 'hotp', algorithm: 'SHA1', digits: 6, counter }).ok;
    expect([-1n, 0n, 2n ** 64n - 1n, 2n ** 64n].map(hotp)).toEqual([false, true, true, false]);
    const steam = (digits: number) => checkOtpParams({ type: 'steam', algorithm: 'SHA1', digits, period: 30 }).ok;
    expect([4, 5, 6].map(steam)).toEqual([false, true, false]);
  });
});

describe('every parser accepts and refuses exactly where the schema does', () => {
  it('digits', () => {
    for (const digits of around(LIMITS.digitsMin, LIMITS.digitsMax)) {
      const ok = checkOtpParams({ type: 'totp', algorithm: 'SHA1', digits, period: 30 }).ok;
      expect(uri(`otpauth://totp/a?secret=${SECRET}&digits=${String(digits)}`), `URI digits=${String(digits)}`).toBe(verdict(ok, 'URI_BAD_DIGITS'));
      expect(uri(`otpauth://hotp/a?secret=${SECRET}&counter=0&digits=${String(digits)}`), `HOTP URI digits=${String(digits)}`).toBe(verdict(ok, 'URI_BAD_DIGITS'));
      expect(entry({ digits }), `entry digits ${String(digits)}`).toBe(verdict(ok, 'digits'));
      expect(entry({ digits: String(digits) }), `entry digits "${String(digits)}"`).toBe(verdict(ok, 'digits'));
    }
    // A migration payload can only say six or eight; both are in range, and an unknown count is refused.
    expect([1, 2, 3].map((digits) => migration({ digits }))).toEqual(['ok', 'ok', 'digits']);
  });

  it('Steam is always 5 digits of SHA1, whatever the input says', () => {
    expect(parseOtpauthUri(`otpauth://steam/a?secret=${SECRET}&digits=8&algorithm=SHA512`).draft).toMatchObject({ type: 'steam', digits: LIMITS.steamDigits, algorithm: 'SHA1' });
    expect(parseOtpauthUri(`otpauth://totp/a?secret=${SECRET}&digits=6&encoder=steam`).draft).toMatchObject({ type: 'steam', digits: LIMITS.steamDigits });
    const built = buildAccount(0, { type: 'steam', secret: { base32: SECRET }, digits: 8, algorithm: 'SHA256' }, []);
    expect(built).toMatchObject({ type: 'steam', digits: LIMITS.steamDigits, algorithm: 'SHA1' });
  });

  it('period', () => {
    for (const period of around(LIMITS.periodMin, LIMITS.periodMax)) {
      const ok = checkOtpParams({ type: 'totp', algorithm: 'SHA1', digits: 6, period }).ok;
      expect(uri(`otpauth://totp/a?secret=${SECRET}&period=${String(period)}`), `URI period=${String(period)}`).toBe(verdict(ok, 'URI_BAD_PERIOD'));
      expect(uri(`otpauth://steam/a?secret=${SECRET}&period=${String(period)}`), `Steam URI period=${String(period)}`).toBe(verdict(ok, 'URI_BAD_PERIOD'));
      expect(entry({ period }), `entry period ${String(period)}`).toBe(verdict(ok, 'period'));
      expect(entry({ type: 'steam', period: String(period) }), `Steam entry period "${String(period)}"`).toBe(verdict(ok, 'period'));
    }
    // Google's payload has no period: always 30 s.
    expect(parseMigrationUri(migrationUri({})).accounts[0]).toMatchObject({ period: 30 });
  });

  it('counter', () => {
    for (const counter of [-1n, 0n, LIMITS.counterMax, LIMITS.counterMax + 1n]) {
      const ok = checkOtpParams({ type: 'hotp', algorithm: 'SHA1', digits: 6, counter }).ok;
      expect(uri(`otpauth://hotp/a?secret=${SECRET}&counter=${counter.toString()}`), `URI counter=${counter.toString()}`).toBe(verdict(ok, 'URI_BAD_COUNTER'));
      expect(entry({ type: 'hotp', counter }), `entry counter ${counter.toString()}n`).toBe(verdict(ok, 'counter'));
      expect(entry({ type: 'hotp', counter: counter.toString() }), `entry counter "${counter.toString()}"`).toBe(verdict(ok, 'counter'));
    }
    expect(uri(`otpauth://hotp/a?secret=${SECRET}`)).toBe('URI_BAD_COUNTER');
    // The payload's counter is an int64: from below the schema's floor to the top it can hold.
    expect(['-1', '0', (2n ** 63n - 1n).toString()].map((counter) => migration({ type: 1, counter }))).toEqual(['counter', 'ok', 'ok']);
  });

  it('algorithms', () => {
    for (const algorithm of [...ALGORITHMS, 'MD5', 'SHA224']) {
      const ok = checkOtpParams({ type: 'totp', algorithm, digits: 6, period: 30 }).ok;
      expect(ok).toBe((ALGORITHMS as readonly string[]).includes(algorithm));
      expect(uri(`otpauth://totp/a?secret=${SECRET}&algorithm=${algorithm}`), `URI algorithm=${algorithm}`).toBe(verdict(ok, 'URI_BAD_ALGORITHM'));
      expect(entry({ algorithm }), `entry algorithm ${algorithm}`).toBe(verdict(ok, 'algorithm'));
    }
    // Google's enum: 1-3 are SHA1, SHA256, SHA512; 4 is MD5.
    expect([1, 2, 3, 4].map((algorithm) => migration({ algorithm }))).toEqual(['ok', 'ok', 'ok', 'algorithm']);
  });

  it('names: at most the schema’s length, after the one cleaning', () => {
    for (const length of [LIMITS.textMax, LIMITS.textMax + 1]) {
      const ok = length <= LIMITS.textMax;
      const name = 'x'.repeat(length);
      expect(uri(`otpauth://totp/${name}?secret=${SECRET}`), `URI label ${String(length)}`).toBe(verdict(ok, 'URI_MALFORMED'));
      expect(uri(`otpauth://totp/a?secret=${SECRET}&issuer=${name}`), `URI issuer ${String(length)}`).toBe(verdict(ok, 'URI_MALFORMED'));
      expect(entry({ label: name }), `entry label ${String(length)}`).toBe(verdict(ok, 'label'));
      expect(entry({ issuer: name }), `entry issuer ${String(length)}`).toBe(verdict(ok, 'issuer'));
      expect(migration({ name }), `migration name ${String(length)}`).toBe(verdict(ok, 'label'));
      expect(migration({ issuer: name }), `migration issuer ${String(length)}`).toBe(verdict(ok, 'label'));
      // Characters the cleaning removes do not count against the limit.
      expect(entry({ label: `\u202e${name}\u0007` })).toBe(verdict(ok, 'label'));
    }
  });

  it('secrets: 1 to 1024 bytes', () => {
    for (const size of [LIMITS.secretBytesMax, LIMITS.secretBytesMax + 1]) {
      const ok = size <= LIMITS.secretBytesMax;
      const bytes = new Uint8Array(size).fill(7);
      expect(uri(`otpauth://totp/a?secret=${encodeBase32(bytes)}`), `URI secret ${String(size)} bytes`).toBe(verdict(ok, 'URI_BAD_SECRET'));
      expect(entry({ secret: { bytes } }), `entry secret ${String(size)} bytes`).toBe(verdict(ok, 'secret'));
      expect(migration({ secret: bytes }), `migration secret ${String(size)} bytes`).toBe(verdict(ok, 'secret'));
    }
    expect(entry({ secret: { hex: '' } })).toBe('secret');
    expect(migration({ secret: new Uint8Array(0) })).toBe('secret');
  });

  it('the same text-cleaning rule everywhere', () => {
    const raw = ' \u202eevil\u0007.com\u2066x\u2069\u202a ';
    const clean = cleanDisplayText(raw, 'label').text;
    expect(clean).toBe('evil.comx');
    expect(parseOtpauthUri(`otpauth://totp/${encodeURIComponent(raw)}?secret=${SECRET}`).draft.label).toBe(clean);
    expect(buildAccount(0, { secret: { base32: SECRET }, label: raw }, [])).toMatchObject({ label: clean });
    expect(parseMigrationUri(migrationUri({ name: raw })).accounts[0]).toMatchObject({ label: clean });
  });
});

describe('no parser keeps a copy of a range or of the text rule', () => {
  // The ranges' numbers, an algorithm list checked by hand, and the unsafe-character class live in shared/account.ts only.
  const copies = [/86_?400/, /2\^64|2n \*\* 64n|0xffff_?ffff/i, /'SHA256' \|\||=== 'SHA512'/, /\\u202[Aa]|\\u2066/, /LIMITS\.(digits|period|counter|secretBytes)M(in|ax)/];

  it('main/enroll and main/formats hold none of them outside tests', () => {
    const found: string[] = [];
    for (const file of sources(join(REPO_ROOT, 'main/enroll')).concat(sources(join(REPO_ROOT, 'main/formats')))) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of copies) if (pattern.test(text)) found.push(`${relative(REPO_ROOT, file)}: ${String(pattern)}`);
    }
    expect(found).toEqual([]);
  });
});

function migrationUri(params: RawOtpParameters): string {
  const data = Buffer.from(encodeMigrationPayload({ otp_parameters: [{ secret: SECRET_BYTES, name: 'a', ...params }], batch_size: 1 })).toString('base64');
  return `otpauth-migration://offline?data=${encodeURIComponent(data)}`;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((item) => {
    const path = join(dir, item.name);
    if (item.isDirectory()) return item.name === 'fixtures' || item.name === 'test-support' ? [] : sources(path);
    return item.name.endsWith('.ts') && !item.name.endsWith('.test.ts') ? [path] : [];
  });
}
