import type * as NodeCrypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../test-support/facts.js';
import { expectGolden, expectImportError, fuzzParser } from '../test-support/format-harness.js';
import { aegisFormat } from './aegis.js';

/** Counts scrypt runs, so "refused before deriving" is checked, not assumed. */
const kdf = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof NodeCrypto>();
  function countingScrypt(...args: Parameters<typeof actual.scrypt>): void {
    kdf.calls += 1;
    actual.scrypt(...args);
  }
  return { ...actual, scrypt: countingScrypt };
});

const PASSWORD = 'aegis-fixture-password';
const BACKUP_PASSWORD = 'aegis-fixture-backup-password';
const ALL = Array.from({ length: 12 }, (_, i) => i);

interface Sealed {
  nonce: string;
  tag: string;
}
interface Slot {
  type: number;
  key: string;
  key_params: Sealed;
  n?: number;
  r?: number;
  p?: number;
  salt?: string;
}
interface EncryptedFile {
  version: number;
  header: { slots: Slot[] | null; params: Sealed | null };
  db: string;
}
interface PlainFile {
  version: number;
  header: { slots: null; params: null };
  db: { version: number; entries: unknown[]; groups?: unknown[] };
}

const fixture = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'main/formats/aegis/fixtures', name)));
const text = (name: string) => Buffer.from(fixture(name)).toString('utf8');
const encrypted = (name = 'encrypted-small.json') => JSON.parse(text(name)) as EncryptedFile;
const plain = (name = 'plain-v3.json') => JSON.parse(text(name)) as PlainFile;
const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const slotOf = (file: EncryptedFile, i: number): Slot => {
  const slot = file.header.slots?.[i];
  if (slot === undefined) throw new Error(`fixture has no slot ${String(i)}`);
  return slot;
};
const flipHex = (hex: string, at: number) => hex.slice(0, at * 2) + ((Number.parseInt(hex.slice(at * 2, at * 2 + 2), 16) ^ 0x01) | 0x100).toString(16).slice(1) + hex.slice(at * 2 + 2);

beforeEach(() => {
  kdf.calls = 0;
});

describe('aegis: reading', () => {
  it('reads the golden set from a plain content-v3 vault and reports motp/yandex entries as invalid', async () => {
    const result = await aegisFormat.parse(fixture('plain-v3.json'), {});
    expectGolden(result, ALL);
    expect(result.invalid).toEqual([
      { index: 4, field: 'type', reason: expect.stringContaining('motp') as string },
      { index: 13, field: 'type', reason: expect.stringContaining('yandex') as string },
    ]);
    expect(result.accounts[3]).toMatchObject({ type: 'hotp', counter: 33n });
    expect(result.accounts[0]?.note).toBe('golden account 0');
    expect(kdf.calls).toBe(0);
  });

  it('turns content-v3 group UUIDs into tags and drops UUIDs of missing groups', async () => {
    const { accounts } = await aegisFormat.parse(fixture('plain-v3.json'), {});
    expect(accounts.slice(0, 3).map((a) => a.tags)).toEqual([['Work'], ['Work', 'Personal'], undefined]);
  });

  it('reads content v1: `group` names become tags, a steam entry stays steam', async () => {
    const result = await aegisFormat.parse(fixture('plain-v1.json'), {});
    expectGolden({ ...result, accounts: result.accounts.slice(0, 6) }, [0, 1, 2, 3, 4, 5]);
    expect(result.accounts.slice(0, 3).map((a) => a.tags)).toEqual([['Work'], ['Personal'], undefined]);
    expect(result.accounts[6]).toMatchObject({ type: 'steam', digits: 5, algorithm: 'SHA1', issuer: 'Steam', label: 'gamer', tags: ['Games'] });
    expect(result.invalid).toEqual([]);
  });

  it('opens an encrypted vault (Python-sealed, N=2^15) with the main password, skipping the biometric slot', async () => {
    const progress: string[] = [];
    const result = await aegisFormat.parse(fixture('encrypted.json'), { password: PASSWORD, onProgress: (m) => progress.push(m) });
    expectGolden(result, ALL);
    expect(result.accounts[1]?.tags).toEqual(['Work', 'Personal']);
    expect(kdf.calls).toBe(1);
    expect(progress).toHaveLength(1);
  });

  it('tries every password slot: the backup password opens the second one', async () => {
    const result = await aegisFormat.parse(fixture('encrypted.json'), { password: BACKUP_PASSWORD });
    expectGolden(result, ALL);
    expect(kdf.calls).toBe(2);
  });

  it('opens a vault whose encrypted db is one Base64 string over 64 KiB', async () => {
    expect(encrypted('encrypted-icons.json').db.length).toBeGreaterThan(64 * 1024);
    expectGolden(await aegisFormat.parse(fixture('encrypted-icons.json'), { password: PASSWORD }), ALL);
  });

  it('still applies the 64 KiB limit to every other string', async () => {
    const file = encrypted('encrypted-icons.json');
    slotOf(file, 0).salt = 'ab'.repeat(40_000);
    // Both key orders: the over-long salt found before the long db, and after it.
    for (const reordered of [file, { db: file.db, version: file.version, header: file.header }]) {
      const error = await expectImportError(aegisFormat.parse(bytesOf(reordered), { password: PASSWORD }), 'IMPORT_MALFORMED');
      expect(error.details?.['path']).toBe('$.header.slots[0].salt');
    }
    const big = plain();
    big.db.entries.push({ type: 'totp', name: 'x'.repeat(70_000), info: { secret: 'JBSWY3DP' } });
    await expectImportError(aegisFormat.parse(bytesOf(big), {}), 'IMPORT_MALFORMED');
  });

  it('collects entries of the wrong shape with their index and field', async () => {
    const file = plain('plain-v1.json');
    file.db.entries = [
      42,
      { type: 'totp', name: 'a', info: { secret: 'JBSWY3DP', digits: { six: 6 } } },
      { type: 'totp', name: 7, info: { secret: 'JBSWY3DP' } },
      { type: 'hotp', name: 'b' },
      { type: 'totp', name: 'c', info: { secret: 'not base32!' } },
      { type: 'MOTP', info: 12 },
      { type: 'totp', name: 'ok', info: { secret: 'JBSWY3DP' } },
    ];
    const result = await aegisFormat.parse(bytesOf(file), {});
    expect(result.invalid.map((e) => [e.index, e.field])).toEqual([
      [0, 'entry'],
      [1, 'digits'],
      [2, 'label'],
      [3, 'secret'],
      [4, 'secret'],
      [5, 'type'],
    ]);
    expect(result.accounts.map((a) => a.label)).toEqual(['ok']);
  });
});

describe('aegis: detect', () => {
  it('is sure of Aegis files and of little else, and never throws', () => {
    for (const name of ['plain-v3.json', 'plain-v1.json', 'encrypted.json', 'encrypted-icons.json']) expect(aegisFormat.detect(fixture(name))).toBeGreaterThanOrEqual(0.9);
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(aegisFormat.detect(enc('{"header": {}, "db": {}}'))).toBe(0.5);
    expect(aegisFormat.detect(enc('{"entries": [], "version": 3}'))).toBe(0);
    expect(aegisFormat.detect(enc('[{"db": 1, "header": {}}]'))).toBe(0);
    expect(aegisFormat.detect(enc('otpauth://totp/x?secret=JBSWY3DP'))).toBe(0);
    expect(aegisFormat.detect(new Uint8Array())).toBe(0);
    expect(aegisFormat.detect(new Uint8Array([0x7b, 0xff, 0xfe, 0x00]))).toBe(0);
    expect(aegisFormat.detect(fixture('encrypted.json').subarray(0, 300))).toBe(0);
  });
});

describe('aegis: hostile and broken files', () => {
  it('asks for a password when none was given, without deriving', async () => {
    const error = await expectImportError(aegisFormat.parse(fixture('encrypted.json'), {}), 'IMPORT_WRONG_PASSWORD');
    expect(error.message).toMatch(/password is needed/);
    expect(kdf.calls).toBe(0);
  });

  it('refuses a wrong password without naming it', async () => {
    const password = 'hunter2-not-the-password';
    await expectImportError(aegisFormat.parse(fixture('encrypted.json'), { password }), 'IMPORT_WRONG_PASSWORD', password);
    expect(kdf.calls).toBe(2);
  });

  it('refuses empty, truncated and trailing-garbage files', async () => {
    await expectImportError(aegisFormat.parse(new Uint8Array(), {}), 'IMPORT_EMPTY');
    for (const name of ['plain-v3.json', 'encrypted-small.json']) {
      const bytes = fixture(name);
      await expectImportError(aegisFormat.parse(bytes.subarray(0, bytes.length - 20), { password: PASSWORD }), 'IMPORT_MALFORMED');
      await expectImportError(aegisFormat.parse(new Uint8Array([...bytes, ...new TextEncoder().encode('}garbage')]), { password: PASSWORD }), 'IMPORT_MALFORMED');
    }
    expect(kdf.calls).toBe(0);
  });

  it.each([
    ['N above 2^20', { n: 2 ** 21 }],
    ['N not a power of two', { n: 1000 }],
    ['N astronomically large', { n: 2 ** 60 }],
    ['r above 16', { r: 17 }],
    ['p of 0', { p: 0 }],
    ['fractional r', { r: 8.5 }],
  ])('refuses scrypt params outside the box (%s) before any KDF runs', async (_, params) => {
    const file = encrypted('encrypted.json');
    Object.assign(slotOf(file, 2), params); // the backup slot; the first password slot is fine
    await expectImportError(aegisFormat.parse(bytesOf(file), { password: PASSWORD }), 'KDF_PARAMS_OUT_OF_RANGE', PASSWORD);
    expect(kdf.calls).toBe(0);
  });

  it('reports a flipped db ciphertext or tag byte as an integrity failure', async () => {
    const file = encrypted();
    const db = Buffer.from(file.db, 'base64');
    db[10] = (db[10] ?? 0) ^ 0x20;
    await expectImportError(aegisFormat.parse(bytesOf({ ...file, db: db.toString('base64') }), { password: PASSWORD }), 'IMPORT_INTEGRITY', PASSWORD);
    const params = file.header.params ?? { nonce: '', tag: '' };
    await expectImportError(aegisFormat.parse(bytesOf({ ...file, header: { ...file.header, params: { ...params, tag: flipHex(params.tag, 3) } } }), { password: PASSWORD }), 'IMPORT_INTEGRITY');
  });

  it('reports a flipped slot key, nonce or salt byte as a wrong password', async () => {
    for (const change of [(s: Slot) => (s.key = flipHex(s.key, 0)), (s: Slot) => (s.key_params.tag = flipHex(s.key_params.tag, 15)), (s: Slot) => (s.salt = flipHex(s.salt ?? '', 31))]) {
      const file = encrypted();
      change(slotOf(file, 0));
      await expectImportError(aegisFormat.parse(bytesOf(file), { password: PASSWORD }), 'IMPORT_WRONG_PASSWORD', PASSWORD);
    }
  });

  it('refuses versions newer (or older) than it knows', async () => {
    await expectImportError(aegisFormat.parse(bytesOf({ ...plain(), version: 2 }), {}), 'IMPORT_UNSUPPORTED_VERSION');
    await expectImportError(aegisFormat.parse(bytesOf({ ...encrypted(), version: 2 }), { password: PASSWORD }), 'IMPORT_UNSUPPORTED_VERSION');
    for (const version of [4, 0, 2.5]) {
      const file = plain();
      file.db.version = version;
      await expectImportError(aegisFormat.parse(bytesOf(file), {}), 'IMPORT_UNSUPPORTED_VERSION');
    }
    expect(kdf.calls).toBe(0);
  });

  it.each([
    ['db nonce of 11 bytes', (f: EncryptedFile) => f.header.params && (f.header.params.nonce = 'ab'.repeat(11))],
    ['db tag of 15 bytes', (f: EncryptedFile) => f.header.params && (f.header.params.tag = 'ab'.repeat(15))],
    ['db nonce not hex', (f: EncryptedFile) => f.header.params && (f.header.params.nonce = 'zz'.repeat(12))],
    ['slot nonce of 13 bytes', (f: EncryptedFile) => (slotOf(f, 0).key_params.nonce = 'ab'.repeat(13))],
    ['slot key of 31 bytes', (f: EncryptedFile) => (slotOf(f, 0).key = 'ab'.repeat(31))],
    ['salt of 5 bytes', (f: EncryptedFile) => (slotOf(f, 0).salt = 'ab'.repeat(5))],
    ['odd-length hex salt', (f: EncryptedFile) => (slotOf(f, 0).salt = `${'ab'.repeat(31)}abc`)],
    ['db not Base64', (f: EncryptedFile) => (f.db = 'abc!def=')],
    ['db with a lone Base64 character', (f: EncryptedFile) => (f.db = 'abcde')],
    ['slot n as text', (f: EncryptedFile) => (slotOf(f, 0) as unknown as Record<string, unknown>)['n'] = '1024'],
    ['slots and params of a plain file', (f: EncryptedFile) => (f.header.params = null)],
    ['only a biometric slot', (f: EncryptedFile) => (f.header.slots = [slotOf(f, 1)])],
    ['a slot without a type', (f: EncryptedFile) => (f.header.slots = [{} as Slot])],
  ])('refuses a malformed header (%s) before any KDF runs', async (_, change) => {
    const file = encrypted();
    change(file);
    await expectImportError(aegisFormat.parse(bytesOf(file), { password: PASSWORD }), 'IMPORT_MALFORMED', PASSWORD);
    expect(kdf.calls).toBe(0);
  });

  it('reads __proto__, constructor and prototype keys as plain data', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const hostile = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}}') as Record<string, unknown>;
    const file = plain();
    file.db.entries = file.db.entries.map((entry) => {
      const e = entry as Record<string, unknown>;
      return { ...hostile, ...e, info: { ...hostile, ...(e['info'] as Record<string, unknown>) } };
    });
    file.db.entries.push(JSON.parse('{"__proto__": {"polluted": "yes"}, "type": "totp", "groups": ["__proto__"], "info": {"secret": "JBSWY3DP"}}'));
    file.db.groups?.push(JSON.parse('{"uuid": "__proto__", "name": "Proto", "__proto__": {"polluted": "yes"}}'));
    const outer = { ...JSON.parse('{"__proto__": {"polluted": "yes"}}'), ...file } as unknown;
    const result = await aegisFormat.parse(bytesOf(outer), {});
    expectGolden({ ...result, accounts: result.accounts.slice(0, 12) }, ALL);
    expect(result.accounts[12]?.tags).toEqual(['Proto']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    for (const account of result.accounts) expect(Object.getPrototypeOf(account)).toBe(Object.prototype);
  });
});

describe('aegis: fuzzing', () => {
  it('survives 500 mutated files (plain and encrypted) with only typed errors', async () => {
    await fuzzParser(aegisFormat, [fixture('plain-v3.json'), fixture('plain-v1.json'), fixture('encrypted-small.json')], { password: PASSWORD });
  });
});
