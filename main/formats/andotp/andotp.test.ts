import type * as NodeCrypto from 'node:crypto';
import { pbkdf2 } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { goldenAccount } from '../../test-support/golden-accounts.js';
import { REPO_ROOT } from '../../test-support/facts.js';
import { expectGolden, expectImportError, fuzzParser } from '../test-support/format-harness.js';
import { andOtpFormat } from './andotp.js';

// Spy on PBKDF2 so the tests can say when a KDF ran (and with how many iterations).
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof NodeCrypto>();
  return { ...actual, pbkdf2: vi.fn(actual.pbkdf2) };
});

const PASSWORD = 'Latchkey andOTP tëst ✓';
const fixture = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'main/formats/andotp/fixtures', name)));
const text = (s: string) => new TextEncoder().encode(s);
const GOLDEN = Array.from({ length: 12 }, (_, i) => i);
const pbkdf2Calls = () => vi.mocked(pbkdf2).mock.calls.map((call) => call[2]);

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

/** A new-layout file whose header asks for `iterations` (the rest taken from the fast fixture). */
function withIterations(iterations: number): Uint8Array {
  const copy = Buffer.from(fixture('golden-new-fast.json.aes'));
  copy.writeUInt32BE(iterations, 0);
  return new Uint8Array(copy);
}

beforeEach(() => {
  vi.mocked(pbkdf2).mockClear();
});

describe('andOTP plain backups', () => {
  it('reads the golden set with tags, padded Base32 and upper-case types', async () => {
    const result = await andOtpFormat.parse(fixture('golden.json'), {});
    expectGolden(result, GOLDEN);
    expect(result.invalid).toEqual([]);
    expect(result.accounts[0]?.tags).toEqual(['Work']);
    expect(result.accounts[5]?.tags).toEqual(['Home', 'Banking']);
    expect(pbkdf2Calls()).toEqual([]);
  });

  it('splits old "Issuer - Issuer:Account" labels', async () => {
    expectGolden(await andOtpFormat.parse(fixture('old-labels.json'), {}), [12, 13, 14, 15]);
  });

  it('reads STEAM (with or without a period), collects unsupported types and bad entries', async () => {
    const result = await andOtpFormat.parse(fixture('extras.json'), {});
    expect(result.accounts.map((a) => [a.type, a.issuer, a.label, a.digits, a.type === 'hotp' ? a.counter : a.period])).toEqual([
      ['steam', 'Steam', 'gaben', 5, 30],
      ['steam', 'Steam', 'alt', 5, 30],
      ['totp', 'Strings', 'digits as text', 8, 30],
    ]);
    expect(Buffer.from(result.accounts[0]?.secret ?? []).equals(Buffer.from(goldenAccount(14).secret.slice(0, 16)))).toBe(true);
    expect(result.accounts[0]?.tags).toEqual(['Games']);
    expect(result.accounts[2]?.tags).toEqual(['Work', 'Home']);
    expect(result.invalid.map((entry) => [entry.index, entry.field])).toEqual([
      [2, 'type'],
      [3, 'secret'],
      [4, 'entry'],
      [6, 'counter'],
      [7, 'digits'],
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses broken JSON: truncated, trailing garbage, not a list, Base64 text', async () => {
    const golden = new TextDecoder().decode(fixture('golden.json'));
    await expectImportError(andOtpFormat.parse(text(golden.slice(0, 500)), {}), 'IMPORT_MALFORMED');
    await expectImportError(andOtpFormat.parse(text(`${golden} garbage`), {}), 'IMPORT_MALFORMED');
    await expectImportError(andOtpFormat.parse(text('{"entries": []}'), {}), 'IMPORT_MALFORMED');
    const pasted = Buffer.from(fixture('golden-old.json.aes')).toString('base64');
    await expectImportError(andOtpFormat.parse(text(pasted), { password: PASSWORD }), 'IMPORT_MALFORMED');
    await expectImportError(andOtpFormat.parse(new Uint8Array(), {}), 'IMPORT_EMPTY');
  });

  it('keeps __proto__ and constructor keys as plain data', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const payload = '[{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "secret": "JBSWY3DPEHPK3PXP", "type": "TOTP"}]';
    const result = await andOtpFormat.parse(text(payload), {});
    expect(result.accounts).toHaveLength(1);
    await expectImportError(andOtpFormat.parse(text('{"__proto__": {"polluted": 1}}'), {}), 'IMPORT_MALFORMED');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});

describe('andOTP encrypted backups (made by Python cryptography)', () => {
  it('opens the new PBKDF2 layout, saying it is deriving', async () => {
    const progress: string[] = [];
    const result = await andOtpFormat.parse(fixture('golden-new.json.aes'), { password: PASSWORD, onProgress: (m) => progress.push(m) });
    expectGolden(result, GOLDEN);
    expect(pbkdf2Calls()).toEqual([145_776]);
    expect(progress).toEqual(['deriving the andOTP backup key (PBKDF2, 145,776 iterations)']);
  });

  it('opens the low-iteration new layout and the old SHA-256 layout', async () => {
    expectGolden(await andOtpFormat.parse(fixture('golden-new-fast.json.aes'), { password: PASSWORD }), GOLDEN);
    expectGolden(await andOtpFormat.parse(fixture('golden-old.json.aes'), { password: PASSWORD }), GOLDEN);
  });

  it('falls back to the old layout when its nonce reads as an iteration count', async () => {
    const result = await andOtpFormat.parse(fixture('old-labels-old-header-like.json.aes'), { password: PASSWORD });
    expectGolden(result, [12, 13, 14, 15]);
    expect(pbkdf2Calls()).toEqual([1000]);
  });

  it('missing or wrong password → IMPORT_WRONG_PASSWORD, never echoing it', async () => {
    for (const name of ['golden-new.json.aes', 'golden-new-fast.json.aes', 'golden-old.json.aes']) {
      await expectImportError(andOtpFormat.parse(fixture(name), {}), 'IMPORT_WRONG_PASSWORD');
      await expectImportError(andOtpFormat.parse(fixture(name), { password: 'Latchkey andOTP test' }), 'IMPORT_WRONG_PASSWORD', 'Latchkey andOTP test');
      await expectImportError(andOtpFormat.parse(fixture(name), { password: '' }), 'IMPORT_WRONG_PASSWORD');
    }
  });

  it('a flipped byte fails the GCM tag like a wrong password: reported as wrong password or damage', async () => {
    for (const name of ['golden-new-fast.json.aes', 'golden-old.json.aes']) {
      const bytes = fixture(name);
      for (const at of [5, 20, 40, bytes.length - 1]) {
        const error = await expectImportError(andOtpFormat.parse(flipped(bytes, at), { password: PASSWORD }), 'IMPORT_WRONG_PASSWORD', PASSWORD);
        expect(error.message).toContain('damaged');
      }
    }
  });

  it('truncated or with trailing garbage: too short → IMPORT_MALFORMED, else the tag fails', async () => {
    const bytes = fixture('golden-new-fast.json.aes');
    for (const length of [1, 12, 29]) await expectImportError(andOtpFormat.parse(bytes.slice(0, length), { password: PASSWORD }), 'IMPORT_MALFORMED');
    await expectImportError(andOtpFormat.parse(bytes.slice(0, 100), { password: PASSWORD }), 'IMPORT_WRONG_PASSWORD');
    await expectImportError(andOtpFormat.parse(new Uint8Array([...bytes, 0x00, 0xff, 0x13]), { password: PASSWORD }), 'IMPORT_WRONG_PASSWORD');
  });

  it('an iteration count outside the box → KDF_PARAMS_OUT_OF_RANGE with no KDF run', async () => {
    for (const iterations of [0, 1_000_001, 10_000_001, 0x00ff_ffff]) {
      const started = performance.now();
      await expectImportError(andOtpFormat.parse(withIterations(iterations), { password: PASSWORD }), 'KDF_PARAMS_OUT_OF_RANGE', PASSWORD);
      expect(performance.now() - started).toBeLessThan(500);
    }
    expect(pbkdf2Calls()).toEqual([]);
  });
});

describe('andOTP detection and fuzzing', () => {
  it('is sure of its JSON, unsure of binary (no magic), and leaves other files alone', () => {
    expect(andOtpFormat.detect(fixture('golden.json'))).toBeGreaterThanOrEqual(0.95);
    expect(andOtpFormat.detect(fixture('old-labels.json'))).toBeGreaterThan(0.5);
    expect(andOtpFormat.detect(fixture('golden-new.json.aes'))).toBe(0.6);
    expect(andOtpFormat.detect(fixture('golden-old.json.aes'))).toBeLessThanOrEqual(0.5);
    for (const other of ['{"encrypted": false, "items": []}', '[]', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n', 'folder,name,login_totp\n']) {
      expect(andOtpFormat.detect(text(other))).toBeLessThanOrEqual(0.2);
    }
    expect(andOtpFormat.detect(new Uint8Array(readFileSync(join(REPO_ROOT, 'main/enroll/qr/fixtures/plain.png'))))).toBe(0);
  });

  it('survives 500 mutated files with only typed errors', async () => {
    const files = ['golden.json', 'extras.json', 'golden-new-fast.json.aes', 'golden-old.json.aes'].map(fixture);
    await fuzzParser(andOtpFormat, files, { password: PASSWORD });
  });
});
