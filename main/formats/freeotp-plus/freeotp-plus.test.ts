import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-support/facts.js';
import { expectGolden, expectImportError, fuzzParser } from '../test-support/format-harness.js';
import { freeOtpPlusFormat } from './freeotp-plus.js';

const fixture = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'main/formats/freeotp-plus/fixtures', name)));
const text = (name: string) => new TextDecoder().decode(fixture(name));
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const parse = (input: Uint8Array) => freeOtpPlusFormat.parse(input, {});
const GOLDEN = Array.from({ length: 12 }, (_, i) => i);

describe('FreeOTP+', () => {
  it('reads the golden set (signed-byte secrets, defaults, HOTP counters as stored) in tokenOrder order', async () => {
    const result = await parse(fixture('golden.json'));
    expectGolden(result, GOLDEN);
    expect(result.invalid).toEqual([]);
    expect(result.accounts[3]).toMatchObject({ type: 'hotp', counter: 33n });
    expect(result.accounts[10]).toMatchObject({ type: 'hotp', counter: 110n });
    expect(result.accounts[4]?.issuer).toBe('Cloud'); // issuerExt, not issuerInt
    expect(result.warnings.some((warning) => warning.includes('last used'))).toBe(true);
  });

  it('keeps file order when there is no tokenOrder', async () => {
    const root = JSON.parse(text('golden.json')) as { tokens: unknown[] };
    const result = await parse(bytes({ tokens: root.tokens }));
    expectGolden(result, [5, 0, 11, 3, 8, 1, 10, 2, 7, 4, 9, 6]);
  });

  it('collects bad tokens, keeps the good ones, reads a TOTP from "Steam" as Steam', async () => {
    const result = await parse(fixture('mixed-entries.json'));
    expect(result.invalid.map(({ index, field }) => [index, field])).toEqual([
      [2, 'algorithm'],
      [3, 'secret'],
      [4, 'secret'],
      [5, 'type'],
      [6, 'digits'],
      [7, 'counter'],
      [8, 'secret'],
    ]);
    const [first, steam, hotp] = result.accounts;
    expectGolden({ ...result, accounts: [first, hotp].filter((account) => account !== undefined) }, [1, 3]);
    expect(steam).toMatchObject({ type: 'steam', digits: 5, issuer: 'Steam', label: 'gamer' });
    expect(result.warnings.some((warning) => warning.includes('Steam Guard'))).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('detects its own files and not others', () => {
    expect(freeOtpPlusFormat.detect(fixture('golden.json'))).toBeGreaterThanOrEqual(0.9);
    expect(freeOtpPlusFormat.detect(fixture('mixed-entries.json'))).toBeGreaterThan(0.5);
    expect(freeOtpPlusFormat.detect(readFileSync(join(REPO_ROOT, 'main/formats/two-fas/fixtures/plain-v4.2fas')))).toBe(0);
    expect(freeOtpPlusFormat.detect(bytes({ tokens: [{ secret: 'JBSWY3DP' }] }))).toBe(0);
    expect(freeOtpPlusFormat.detect(bytes('otpauth://totp/A?secret=JBSWY3DP'))).toBe(0);
    expect(freeOtpPlusFormat.detect(new Uint8Array([0x7b, 0xff, 0x00]))).toBe(0);
    expect(freeOtpPlusFormat.detect(new Uint8Array())).toBe(0);
  });

  it('refuses truncated files, trailing garbage, limits and the wrong shape', async () => {
    const golden = fixture('golden.json');
    await expectImportError(parse(new Uint8Array()), 'IMPORT_EMPTY');
    await expectImportError(parse(new Uint8Array([0x00, 0x01, 0x02])), 'IMPORT_UNREADABLE');
    await expectImportError(parse(golden.slice(0, 700)), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes(`${text('golden.json')}]junk`)), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes(`{"tokens":${'['.repeat(70)}${']'.repeat(70)}}`)), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes({ tokens: Array.from({ length: 10_001 }, () => 0) })), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes({ tokens: 'none' })), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes({ tokenOrder: [] })), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes([])), 'IMPORT_MALFORMED');
  });

  it('treats __proto__ and constructor keys as plain data', async () => {
    const hostile = `{"__proto__":{"polluted":"yes"},"tokenOrder":["__proto__","constructor"],"tokens":[{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"secret":[1,-2,3],"label":"__proto__","type":"TOTP"}]}`;
    const result = await parse(bytes(hostile));
    expect(result.accounts).toHaveLength(1);
    expect(result.accounts[0]).toMatchObject({ label: '__proto__', issuer: '' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('survives 500 mutated files with only typed errors', async () => {
    await fuzzParser(freeOtpPlusFormat, [fixture('golden.json'), fixture('mixed-entries.json')]);
  });
});
