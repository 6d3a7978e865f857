import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers-sumo';
import { describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../test-support/facts.js';
import { googleMigrationFormat } from '../google-migration/index.js';
import { otpauthListFormat } from '../otpauth-list/index.js';
import { expectGolden, expectImportError, fuzzParser } from '../test-support/format-harness.js';
import type { Argon2id } from '../types.js';
import { enteFormat } from './index.js';

const fixture = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'main/formats/ente/fixtures', name)));
const otherFixture = (format: string, name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'main/formats', format, 'fixtures', name)));
/** The encrypted fixtures' password (fixtures/README.md). */
const PASSWORD = 'latchkey ente fixture ☃';
const GOLDEN = Array.from({ length: 12 }, (_, i) => i);
const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

interface Envelope {
  version: unknown;
  kdfParams: { memLimit: unknown; opsLimit: unknown; salt: unknown };
  encryptedData: unknown;
  encryptionNonce: unknown;
}

/** The PyNaCl-made encrypted golden export as an object, to make variants of. */
function envelope(): Envelope {
  return JSON.parse(new TextDecoder().decode(fixture('encrypted-golden.json'))) as Envelope;
}

function withBytes(base64: unknown, change: (bytes: Uint8Array) => Uint8Array): string {
  return Buffer.from(change(new Uint8Array(Buffer.from(String(base64), 'base64')))).toString('base64');
}

/** Real Argon2id (libsodium.js), each parameter set derived once. Returns copies: the parser wipes its key. */
const derivations = new Map<string, Promise<Uint8Array>>();
const memoArgon2id: Argon2id = async (password, salt, ops, memBytes) => {
  const id = `${hex(password)}/${hex(salt)}/${String(ops)}/${String(memBytes)}`;
  let key = derivations.get(id);
  if (key === undefined) {
    const [pw, s] = [password.slice(), salt.slice()];
    key = sodium.ready.then(() => sodium.crypto_pwhash(32, pw, s, ops, memBytes, sodium.crypto_pwhash_ALG_ARGON2ID13));
    derivations.set(id, key);
  }
  return (await key).slice();
};

/** A spy that must never run: for files refused before the KDF. */
const refusedBeforeKdf = () => vi.fn<Argon2id>(() => Promise.reject(new Error('the KDF must not run')));

describe('Ente Auth plain export', () => {
  it('reads the golden set, with tags and notes from codeDisplay', async () => {
    const result = await enteFormat.parse(fixture('plain-golden.txt'), {});
    expectGolden(result, GOLDEN);
    expect(result.invalid).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.accounts.map((account) => account.tags ?? [])).toEqual(GOLDEN.map((i) => (i === 1 ? ['Work'] : i === 4 ? ['Work', 'Cloud'] : [])));
    expect(result.accounts[5]?.note).toBe('recovery codes in the safe');
    expect(result.accounts[3]).toMatchObject({ type: 'hotp', algorithm: 'SHA1', counter: 33n });
  });

  it("takes Ente's quirks: steam host, raw #, trash, a broken codeDisplay, a bad line among good ones", async () => {
    const result = await enteFormat.parse(fixture('plain-quirks.txt'), {});
    expect(result.accounts.map(({ type, issuer, label, digits }) => ({ type, issuer, label, digits }))).toEqual([
      { type: 'steam', issuer: 'Steam', label: 'gamer', digits: 5 },
      { type: 'totp', issuer: 'Shop', label: 'me#1', digits: 6 },
      { type: 'totp', issuer: 'Old Forum', label: 'retired', digits: 6 },
      { type: 'totp', issuer: 'Broken', label: 'display', digits: 6 },
      { type: 'totp', issuer: 'Plain', label: 'no display', digits: 6 },
    ]);
    expect(result.accounts.map((account) => account.tags)).toEqual([['Games'], undefined, ['Archive'], undefined, undefined]);
    expect(result.accounts[2]?.note).toBe('deleted in Ente');
    expect(result.invalid).toEqual([expect.objectContaining({ index: 4, field: 'URI_BAD_SECRET' })]);
    expect(result.warnings).toEqual([expect.stringMatching(/^line 3: .*Ente's trash/), expect.stringMatching(/^line 4: Ente's codeDisplay is not readable/)]);
  });

  it('keeps __proto__ in codeDisplay as plain data', async () => {
    const display = encodeURIComponent('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"tags":["x"]}');
    const result = await enteFormat.parse(encode(`otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&codeDisplay=${display}\n`), {});
    expect(result.accounts[0]?.tags).toEqual(['x']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses empty, binary, UTF-16 and URI-less files with their codes', async () => {
    await expectImportError(enteFormat.parse(new Uint8Array(), {}), 'IMPORT_EMPTY');
    await expectImportError(enteFormat.parse(new Uint8Array([0x00, 0x01, 0x02, 0xff]), {}), 'IMPORT_UNREADABLE');
    await expectImportError(enteFormat.parse(new Uint8Array([0xff, 0xfe, 0x6f, 0x00]), {}), 'IMPORT_UNREADABLE');
    await expectImportError(enteFormat.parse(encode('\n\n# a comment\n'), {}), 'IMPORT_MALFORMED');
    const prose = await enteFormat.parse(encode('just some notes\n'), {});
    expect([prose.accounts, prose.invalid.map((entry) => entry.field)]).toEqual([[], ['URI_BAD_SCHEME']]);
  });
});

describe('Ente Auth encrypted export (made by PyNaCl)', () => {
  it('decrypts with in-process libsodium and reports the slow step', async () => {
    const onProgress = vi.fn<(message: string) => void>();
    const result = await enteFormat.parse(fixture('encrypted-golden.json'), { password: PASSWORD, onProgress });
    expectGolden(result, GOLDEN);
    expect(result.invalid).toEqual([]);
    expect(result.accounts[4]?.tags).toEqual(['Work', 'Cloud']);
    expect(onProgress).toHaveBeenCalledExactlyOnceWith('Deriving the Ente export key (Argon2id, 2 passes, 64 MiB)…');
  });

  it("hands the KDF to the caller's argon2id with libsodium's parameters", async () => {
    const argon2id = vi.fn(memoArgon2id);
    expectGolden(await enteFormat.parse(fixture('encrypted-golden.json'), { password: PASSWORD, argon2id }), GOLDEN);
    expect(argon2id).toHaveBeenCalledOnce();
    const [, salt, ops, memBytes] = argon2id.mock.calls[0] ?? [];
    expect([salt?.length, ops, memBytes]).toEqual([16, 2, 64 * 1024 * 1024]);
  });

  it('refuses a wrong or missing password without echoing it', async () => {
    await expectImportError(enteFormat.parse(fixture('encrypted-golden.json'), { password: 'not the password', argon2id: memoArgon2id }), 'IMPORT_WRONG_PASSWORD', 'not the password');
    for (const password of [undefined, '']) {
      const argon2id = refusedBeforeKdf();
      const error = await expectImportError(enteFormat.parse(fixture('encrypted-golden.json'), { ...(password === undefined ? {} : { password }), argon2id }), 'IMPORT_WRONG_PASSWORD');
      expect(error.message).toMatch(/a password is needed/);
      expect(argon2id).not.toHaveBeenCalled();
    }
  });

  it('reports a flipped ciphertext or header byte as a failed open (IMPORT_WRONG_PASSWORD: the MAC cannot tell)', async () => {
    const flip = (bytes: Uint8Array, at: number) => bytes.map((byte, i) => (i === at ? byte ^ 0x01 : byte));
    for (const change of [
      (e: Envelope) => ({ ...e, encryptedData: withBytes(e.encryptedData, (b) => flip(b, 40)) }),
      (e: Envelope) => ({ ...e, encryptedData: withBytes(e.encryptedData, (b) => flip(b, b.length - 1)) }),
      (e: Envelope) => ({ ...e, encryptionNonce: withBytes(e.encryptionNonce, (b) => flip(b, 3)) }),
    ]) {
      const error = await expectImportError(enteFormat.parse(encode(change(envelope())), { password: PASSWORD, argon2id: memoArgon2id }), 'IMPORT_WRONG_PASSWORD', PASSWORD);
      expect(error.message).toMatch(/changed after it was exported/);
    }
  });

  it('refuses a stream not tagged FINAL (IMPORT_INTEGRITY) and an empty one (IMPORT_MALFORMED)', async () => {
    await expectImportError(enteFormat.parse(fixture('encrypted-not-final.json'), { password: PASSWORD }), 'IMPORT_INTEGRITY', PASSWORD);
    await expectImportError(enteFormat.parse(fixture('encrypted-empty.json'), { password: PASSWORD }), 'IMPORT_MALFORMED', PASSWORD);
  });

  it('refuses truncated JSON, trailing garbage and a wrong shape as IMPORT_MALFORMED', async () => {
    const file = fixture('encrypted-golden.json');
    const argon2id = refusedBeforeKdf();
    await expectImportError(enteFormat.parse(file.subarray(0, file.length - 7), { password: PASSWORD, argon2id }), 'IMPORT_MALFORMED', PASSWORD);
    await expectImportError(enteFormat.parse(new Uint8Array([...file, ...encode('{"more":1}')]), { password: PASSWORD, argon2id }), 'IMPORT_MALFORMED', PASSWORD);
    await expectImportError(enteFormat.parse(encode({ ...envelope(), kdfParams: { ...envelope().kdfParams, memLimit: '67108864' } }), { password: PASSWORD, argon2id }), 'IMPORT_MALFORMED');
    await expectImportError(enteFormat.parse(encode({ ...envelope(), encryptedData: undefined }), { password: PASSWORD, argon2id }), 'IMPORT_MALFORMED');
    await expectImportError(enteFormat.parse(encode([envelope()]), { password: PASSWORD, argon2id }), 'IMPORT_MALFORMED');
    expect(argon2id).not.toHaveBeenCalled();
  });

  it('refuses a newer version before anything else', async () => {
    const argon2id = refusedBeforeKdf();
    await expectImportError(enteFormat.parse(encode({ ...envelope(), version: 2 }), { password: PASSWORD, argon2id }), 'IMPORT_UNSUPPORTED_VERSION');
    await expectImportError(enteFormat.parse(encode({ version: 2, somethingNew: true }), { password: PASSWORD, argon2id }), 'IMPORT_UNSUPPORTED_VERSION');
    expect(argon2id).not.toHaveBeenCalled();
  });

  it('refuses KDF parameters outside the Argon2id box without running the KDF', async () => {
    const GiB = 1024 ** 3;
    const cases: [unknown, unknown][] = [
      [2 ** 40, 2],
      [GiB + 1024, 1],
      [GiB, 8],
      [64 * 1024 * 1024, 65],
      [64 * 1024 * 1024, 1_000_000],
      [64 * 1024 * 1024, 0],
      [4096, 2],
      [-1, 2],
      [64 * 1024 * 1024, 2.5],
      [1e300, 2],
    ];
    for (const [memLimit, opsLimit] of cases) {
      const argon2id = refusedBeforeKdf();
      const started = performance.now();
      const file = encode({ ...envelope(), kdfParams: { ...envelope().kdfParams, memLimit, opsLimit } });
      await expectImportError(enteFormat.parse(file, { password: PASSWORD, argon2id }), 'KDF_PARAMS_OUT_OF_RANGE', PASSWORD);
      expect(argon2id).not.toHaveBeenCalled();
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it('refuses bad salt and header lengths and bad Base64 as IMPORT_MALFORMED before the KDF', async () => {
    const argon2id = refusedBeforeKdf();
    const base = envelope();
    const variants = [
      { ...base, kdfParams: { ...base.kdfParams, salt: withBytes(base.kdfParams.salt, (b) => b.subarray(0, 15)) } },
      { ...base, kdfParams: { ...base.kdfParams, salt: withBytes(base.kdfParams.salt, (b) => new Uint8Array([...b, 0])) } },
      { ...base, kdfParams: { ...base.kdfParams, salt: 'not base64!' } },
      { ...base, encryptionNonce: withBytes(base.encryptionNonce, (b) => b.subarray(0, 12)) },
      { ...base, encryptionNonce: withBytes(base.encryptionNonce, (b) => new Uint8Array([...b, ...b]).subarray(0, 32)) },
      { ...base, encryptionNonce: '%%%%' },
      { ...base, encryptedData: 'QUJD\nREVG' },
      { ...base, encryptedData: '' },
      { ...base, encryptedData: withBytes(base.encryptedData, (b) => b.subarray(0, 16)) },
    ];
    for (const variant of variants) {
      await expectImportError(enteFormat.parse(encode(variant), { password: PASSWORD, argon2id }), 'IMPORT_MALFORMED', PASSWORD);
    }
    expect(argon2id).not.toHaveBeenCalled();
  });

  it('reads __proto__, constructor and prototype keys as plain data', async () => {
    const keysBefore = Object.getOwnPropertyNames(Object.prototype);
    const base = JSON.stringify(envelope()).slice(1);
    const hostile = `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true},${base}`.replace(
      '"kdfParams":{',
      '"kdfParams":{"__proto__":{"polluted":true},',
    );
    expectGolden(await enteFormat.parse(encode(hostile), { password: PASSWORD, argon2id: memoArgon2id }), GOLDEN);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(keysBefore);
  });

  it.runIf(process.env['LATCHKEY_SLOW_TESTS'] === '1')("decrypts Ente's default 256 MiB × 16 export in-process (slow, opt-in)", async () => {
    const onProgress = vi.fn<(message: string) => void>();
    expectGolden(await enteFormat.parse(fixture('encrypted-ente-default.json'), { password: PASSWORD, onProgress }), GOLDEN);
    expect(onProgress).toHaveBeenCalledWith('Deriving the Ente export key (Argon2id, 16 passes, 256 MiB)…');
  });
});

describe('Ente Auth detection and fuzzing', () => {
  it('scores its own files above the generic URI list, and nothing else', () => {
    expect(enteFormat.detect(fixture('encrypted-golden.json'))).toBe(0.95);
    expect(enteFormat.detect(fixture('encrypted-ente-default.json'))).toBe(0.95);
    expect(enteFormat.detect(fixture('plain-golden.txt'))).toBeCloseTo(0.92);
    expect(enteFormat.detect(fixture('plain-golden.txt'))).toBeGreaterThan(otpauthListFormat.detect(fixture('plain-golden.txt')));
    expect(enteFormat.detect(fixture('plain-golden.txt'))).toBeGreaterThan(googleMigrationFormat.detect(fixture('plain-golden.txt')));
    const file = fixture('encrypted-golden.json');
    expect(enteFormat.detect(file.subarray(0, file.length - 10))).toBe(0.5);

    expect(enteFormat.detect(otherFixture('otpauth-list', 'golden.txt'))).toBe(0);
    expect(enteFormat.detect(otherFixture('google-migration', 'golden.txt'))).toBe(0);
    expect(enteFormat.detect(encode('{"entries": []}'))).toBe(0);
    expect(enteFormat.detect(encode('{"version":1,"kdfParams":5,"encryptedData":"","encryptionNonce":""}'))).toBe(0);
    expect(enteFormat.detect(new Uint8Array())).toBe(0);
    expect(enteFormat.detect(new Uint8Array([0xff, 0xfe, 0x00, 0x7b]))).toBe(0);
  });

  it('survives 500 mutated plain exports with only typed errors', async () => {
    await fuzzParser(enteFormat, [fixture('plain-golden.txt'), fixture('plain-quirks.txt')]);
  });

  it('survives 500 mutated encrypted exports with only typed errors', async () => {
    // Mutants that keep the fixture's KDF inputs reuse the one real derivation; mutants that change
    // them (a flipped salt or cost digit) would derive some other key, which fails the MAC exactly as
    // a stand-in key does, so they get a cheap stand-in instead of seconds of Argon2id each.
    const real = envelope();
    const argon2id: Argon2id = (password, salt, ops, memBytes) => {
      const theFixture = Buffer.from(salt).toString('base64') === real.kdfParams.salt && ops === real.kdfParams.opsLimit && memBytes === real.kdfParams.memLimit;
      if (theFixture) return memoArgon2id(password, salt, ops, memBytes);
      return Promise.resolve(new Uint8Array(createHash('sha256').update(`${hex(salt)}/${String(ops)}/${String(memBytes)}`).digest()));
    };
    await memoArgon2id(encode(PASSWORD), new Uint8Array(Buffer.from(String(real.kdfParams.salt), 'base64')), 2, 64 * 1024 * 1024);
    await fuzzParser(enteFormat, [fixture('encrypted-golden.json')], { password: PASSWORD, argon2id });
  });
});
