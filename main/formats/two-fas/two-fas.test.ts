import { createCipheriv, pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenAccount } from '../../test-support/golden-accounts.js';
import { REPO_ROOT } from '../../test-support/facts.js';
import { expectGolden, expectImportError, fuzzParser } from '../test-support/format-harness.js';
import { decryptServices, type DeriveKey } from './two-fas-crypto.js';
import { twoFasFormat } from './two-fas.js';

const PASSWORD = 'Latchkey fixture: pässwörd ✓';
const fixture = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'main/formats/two-fas/fixtures', name)));
const text = (name: string) => new TextDecoder().decode(fixture(name));
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const json = (name: string) => JSON.parse(text(name)) as Record<string, unknown>;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const parse = (input: Uint8Array, password?: string) => twoFasFormat.parse(input, password === undefined ? {} : { password });

/** Re-encodes one part of the encrypted string ("data:salt:iv") through `change`. */
function withPart(field: 'servicesEncrypted' | 'reference', part: number, change: (raw: Buffer) => Buffer | string): Uint8Array {
  const root = json('encrypted-v4.2fas');
  const parts = String(root[field]).split(':');
  const changed = change(Buffer.from(parts[part] ?? '', 'base64'));
  parts[part] = typeof changed === 'string' ? changed : changed.toString('base64');
  return bytes({ ...root, [field]: parts.join(':') });
}
const flip = (at: number) => (raw: Buffer) => {
  const copy = Buffer.from(raw);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
};

describe('2FAS', () => {
  it('reads the golden set from schema 3 and 4 backups, groups as tags', async () => {
    for (const name of ['plain-v3.2fas', 'plain-v4.2fas']) {
      const result = await parse(fixture(name));
      expectGolden(result, range(0, 12));
      expect(result.invalid).toEqual([]);
      expect(result.accounts.map((account) => account.tags)).toEqual(range(0, 12).map((i) => (i % 3 === 0 ? ['Work'] : i % 3 === 1 ? ['Personal'] : undefined)));
    }
  });

  it('reads schema 1: no parameters, the name taken from the "Issuer:Account" label', async () => {
    const result = await parse(fixture('plain-v1.json'));
    expectGolden(result, [0, 6, 12, 18]);
    expect(result.accounts.every((account) => account.tags === undefined)).toBe(true);
  });

  it('reads schema 2 as 2FAS does: no token type, so HOTP secrets come out as TOTP', async () => {
    const result = await parse(fixture('plain-v2.json'));
    const totp = range(0, 12).filter((i) => goldenAccount(i).type === 'totp');
    expectGolden({ ...result, accounts: result.accounts.filter((_, i) => totp.includes(i)) }, totp);
    for (const i of [3, 10]) {
      const account = result.accounts[i];
      expect(account?.type).toBe('totp');
      expect(Buffer.from(account?.secret ?? []).equals(Buffer.from(goldenAccount(i).secret))).toBe(true);
    }
    expect(result.warnings.some((warning) => warning.includes('every account is read as TOTP'))).toBe(true);
  });

  it('decrypts the backup Python sealed (PBKDF2-SHA256 ×10000 + AES-256-GCM), with and without a reference', async () => {
    const progress: string[] = [];
    const result = await twoFasFormat.parse(fixture('encrypted-v4.2fas'), { password: PASSWORD, onProgress: (message) => progress.push(message) });
    expectGolden(result, range(0, 12));
    expect(result.accounts[0]?.tags).toEqual(['Work']);
    expect(progress).toHaveLength(1);
    expectGolden(await parse(fixture('encrypted-no-reference-v3.2fas'), PASSWORD), range(0, 6));
  });

  it('collects bad entries and keeps the good ones', async () => {
    const result = await parse(fixture('mixed-entries-v4.2fas'));
    expect(result.invalid.map(({ index, field }) => [index, field])).toEqual([
      [2, 'algorithm'],
      [3, 'type'],
      [4, 'secret'],
      [6, 'secret'],
      [7, 'digits'],
    ]);
    const [first, steam, spaced, tricky] = result.accounts;
    expectGolden({ ...result, accounts: [first, spaced, tricky].filter((account) => account !== undefined) }, [0, 1, 2]);
    expect(steam).toMatchObject({ type: 'steam', digits: 5, issuer: 'Steam', label: 'gamer' });
    expect(tricky?.tags).toEqual(['Tricky']);
    expect(result.warnings).toContain('group 3 is not in the expected shape and was ignored');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('detects its own files and not others', () => {
    for (const name of ['plain-v1.json', 'plain-v2.json', 'plain-v3.2fas', 'plain-v4.2fas', 'encrypted-v4.2fas', 'mixed-entries-v4.2fas']) {
      expect(twoFasFormat.detect(fixture(name)), name).toBeGreaterThanOrEqual(0.9);
    }
    expect(twoFasFormat.detect(readFileSync(join(REPO_ROOT, 'main/formats/freeotp-plus/fixtures/golden.json')))).toBe(0);
    expect(twoFasFormat.detect(bytes('otpauth://totp/A?secret=JBSWY3DP'))).toBe(0);
    expect(twoFasFormat.detect(bytes('{"db": {"entries": []}}'))).toBe(0);
    expect(twoFasFormat.detect(new Uint8Array([0xff, 0x00, 0x7b]))).toBe(0);
    expect(twoFasFormat.detect(new Uint8Array())).toBe(0);
  });

  it('refuses a wrong or missing password without naming it', async () => {
    await expectImportError(parse(fixture('encrypted-v4.2fas'), 'not the password'), 'IMPORT_WRONG_PASSWORD', 'not the password');
    await expectImportError(parse(fixture('encrypted-v4.2fas')), 'IMPORT_WRONG_PASSWORD');
    await expectImportError(parse(fixture('encrypted-v4.2fas'), ''), 'IMPORT_WRONG_PASSWORD');
    await expectImportError(parse(fixture('encrypted-no-reference-v3.2fas'), 'not the password'), 'IMPORT_WRONG_PASSWORD', 'not the password');
  });

  it('tells damage from a wrong password when the reference opens', async () => {
    const error = await expectImportError(parse(withPart('servicesEncrypted', 0, flip(5)), PASSWORD), 'IMPORT_INTEGRITY', PASSWORD);
    expect(error.message).not.toContain(PASSWORD);
    await expectImportError(parse(withPart('servicesEncrypted', 0, (raw) => flip(raw.length - 1)(raw)), PASSWORD), 'IMPORT_INTEGRITY');
    await expectImportError(parse(withPart('servicesEncrypted', 2, flip(0)), PASSWORD), 'IMPORT_INTEGRITY');
    // A damaged reference is indistinguishable from a wrong password: that is what it checks.
    await expectImportError(parse(withPart('reference', 0, flip(5)), PASSWORD), 'IMPORT_WRONG_PASSWORD');
  });

  it('without a reference, reports a flipped ciphertext byte as a wrong password (the format cannot tell)', async () => {
    const root = json('encrypted-no-reference-v3.2fas');
    const [data = '', ...rest] = String(root['servicesEncrypted']).split(':');
    const raw = Buffer.from(data, 'base64');
    raw[3] = (raw[3] ?? 0) ^ 0x80;
    const error = await expectImportError(parse(bytes({ ...root, servicesEncrypted: [raw.toString('base64'), ...rest].join(':') }), PASSWORD), 'IMPORT_WRONG_PASSWORD');
    expect(error.message).toContain('damaged');
  });

  it('refuses bad Base64 and bad lengths as malformed, before any KDF', async () => {
    const cases = [
      withPart('servicesEncrypted', 0, () => 'not*base64!'),
      withPart('servicesEncrypted', 1, () => 'QUJD'), // 3-byte salt
      withPart('servicesEncrypted', 1, () => Buffer.alloc(4096, 7)), // 4 KiB salt
      withPart('servicesEncrypted', 1, () => Buffer.alloc(600_000, 7)), // over the 64 KiB string limit
      withPart('servicesEncrypted', 2, () => Buffer.alloc(16)), // 16-byte nonce
      withPart('servicesEncrypted', 0, () => Buffer.alloc(16)), // no room for the tag
      withPart('reference', 1, () => 'QUJDRA'), // unpadded
      bytes({ ...json('encrypted-v4.2fas'), servicesEncrypted: 'only:two' }),
      bytes({ ...json('encrypted-v4.2fas'), servicesEncrypted: 'a:b:c:d' }),
    ];
    for (const input of cases) await expectImportError(parse(input, PASSWORD), 'IMPORT_MALFORMED');

    let derived = 0;
    const countingDerive: DeriveKey = () => {
      derived++;
      return Promise.resolve(new Uint8Array(32));
    };
    const root = JSON.parse(new TextDecoder().decode(withPart('servicesEncrypted', 1, () => Buffer.alloc(600_000, 7)))) as { servicesEncrypted: string };
    await expectImportError(decryptServices({ servicesEncrypted: root.servicesEncrypted }, { password: PASSWORD }, countingDerive), 'IMPORT_MALFORMED');
    await expectImportError(decryptServices({ servicesEncrypted: String(json('encrypted-v4.2fas')['servicesEncrypted']) }, {}, countingDerive), 'IMPORT_WRONG_PASSWORD');
    expect(derived).toBe(0);
  });

  it('refuses decrypted content that is not a list of services', async () => {
    const salt = Buffer.alloc(256, 3);
    const iv = Buffer.alloc(12, 4);
    const key = pbkdf2Sync(PASSWORD, salt, 10_000, 32, 'sha256');
    const sealed = (plain: string) => {
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return bytes({ schemaVersion: 4, services: [], servicesEncrypted: [data, salt, iv].map((part) => part.toString('base64')).join(':') });
    };
    await expectImportError(parse(sealed('{"not":"a list"}'), PASSWORD), 'IMPORT_MALFORMED');
    await expectImportError(parse(sealed('[{"name": "cut'), PASSWORD), 'IMPORT_MALFORMED');
  });

  it('refuses truncated files, trailing garbage, deep nesting and non-2FAS JSON', async () => {
    const plain = fixture('plain-v4.2fas');
    await expectImportError(parse(new Uint8Array()), 'IMPORT_EMPTY');
    await expectImportError(parse(plain.slice(0, plain.length / 2)), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes(`${text('plain-v4.2fas')}}garbage`)), 'IMPORT_MALFORMED');
    await expectImportError(parse(fixture('encrypted-v4.2fas').slice(0, 900), PASSWORD), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes(`{"schemaVersion":4,"services":${'['.repeat(80)}${']'.repeat(80)}}`)), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes({ services: [] })), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes({ schemaVersion: 4, services: 'none' })), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes({ schemaVersion: 4 })), 'IMPORT_MALFORMED');
    await expectImportError(parse(bytes('[1, 2]')), 'IMPORT_MALFORMED');
    await expectImportError(parse(new Uint8Array([0xff, 0xfe, 0x7b, 0x00])), 'IMPORT_UNREADABLE');
  });

  it('refuses a schema newer than 4, before asking for a password', async () => {
    await expectImportError(parse(bytes({ ...json('plain-v4.2fas'), schemaVersion: 5 })), 'IMPORT_UNSUPPORTED_VERSION');
    await expectImportError(parse(bytes({ ...json('encrypted-v4.2fas'), schemaVersion: 99 })), 'IMPORT_UNSUPPORTED_VERSION');
    await expectImportError(parse(bytes({ schemaVersion: 5, services: 'a new layout' })), 'IMPORT_UNSUPPORTED_VERSION');
  });

  it('treats __proto__ and constructor keys as plain data', async () => {
    const hostile = `{"__proto__":{"polluted":"yes"},"schemaVersion":4,"groups":[{"id":"g","name":"G","__proto__":{"polluted":"yes"}}],"services":[{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"name":"X","secret":"JBSWY3DPEHPK3PXP","groupId":"g","otp":{"__proto__":{"polluted":"yes"},"account":"a"}}]}`;
    const result = await parse(bytes(hostile));
    expect(result.accounts).toHaveLength(1);
    expect(result.accounts[0]).toMatchObject({ issuer: 'X', label: 'a', tags: ['G'] });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('survives 500 mutated plain files and 500 mutated encrypted ones with only typed errors', async () => {
    await fuzzParser(twoFasFormat, [fixture('plain-v4.2fas'), fixture('plain-v1.json'), fixture('mixed-entries-v4.2fas')]);
    await fuzzParser(twoFasFormat, [fixture('encrypted-v4.2fas'), fixture('encrypted-no-reference-v3.2fas')], { password: PASSWORD });
  });
});
