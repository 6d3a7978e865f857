import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenAccount } from '../../test-support/golden-accounts.js';
import { REPO_ROOT } from '../../test-support/facts.js';
import { expectGolden, expectImportError, fuzzParser } from '../test-support/format-harness.js';
import { bitwardenFormat } from './bitwarden.js';

const fixture = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'main/formats/bitwarden/fixtures', name)));
const text = (s: string) => new TextEncoder().encode(s);
const GOLDEN = Array.from({ length: 12 }, (_, i) => i);
const HEADER = 'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp';
const csv = (...rows: string[]) => text([HEADER, ...rows].join('\n'));
const parse = (bytes: Uint8Array) => bitwardenFormat.parse(bytes, {});

describe('Bitwarden exports', () => {
  it('reads the golden set from JSON: URIs, bare secrets, names from the item, folders as tags', async () => {
    const result = await parse(fixture('golden.json'));
    expectGolden(result, GOLDEN);
    expect(result.invalid).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.accounts.map((account) => account.tags)).toEqual(GOLDEN.map((i) => (i % 4 === 0 ? ['Work'] : [])));
  });

  it('reads the golden set from CSV, with quoted commas, quotes and line breaks around it', async () => {
    const result = await parse(fixture('golden.csv'));
    expectGolden(result, GOLDEN);
    expect(result.invalid).toEqual([]);
    expect(result.accounts[4]?.tags).toEqual(['Work']);
  });

  it('reads an organisation CSV (collections column, LF line ends)', async () => {
    expectGolden(await parse(fixture('org.csv')), [12, 13, 14]);
  });

  it('reads steam:// keys, lets a URI name itself, collects bad TOTP fields', async () => {
    const result = await parse(fixture('extras.json'));
    expect(result.accounts.map((a) => [a.type, a.issuer, a.label, a.digits])).toEqual([
      ['steam', 'Steam', 'gaben', 5],
      ['steam', 'Steam', 'Steam account', 5],
      ['totp', 'Acme', 'alice', 6],
      ['totp', 'Evilmoc.liame', 'bob', 6],
    ]);
    expect(Buffer.from(result.accounts[0]?.secret ?? []).equals(Buffer.from(goldenAccount(20).secret.slice(0, 10)))).toBe(true);
    expect(result.invalid.map((entry) => [entry.index, entry.field, entry.reason.split(':')[0]])).toEqual([
      [2, 'secret', 'item 3'],
      [3, 'totp', 'item 4'],
      [4, 'URI_BAD_ALGORITHM', 'item 5'],
      [5, 'login.totp', 'item 6'],
    ]);
    expect(result.warnings).toEqual(['item 8: issuer: control or text-direction characters were removed', 'item 8: label: control or text-direction characters were removed']);
  });

  it('refuses encrypted JSON exports with what to do instead', async () => {
    for (const name of ['password-protected.json', 'account-restricted.json']) {
      const error = await expectImportError(bitwardenFormat.parse(fixture(name), { password: 'vault pass' }), 'IMPORT_UNSUPPORTED_VERSION', 'vault pass');
      expect(error.message).toContain('choosing the "JSON" format');
    }
    const badBase64 = '{"encrypted": true, "passwordProtected": true, "kdfIterations": 999999999, "data": "2.%%%|***|!!!"}';
    await expectImportError(parse(text(badBase64)), 'IMPORT_UNSUPPORTED_VERSION');
  });

  it('an export without TOTP keys is empty, with a warning', async () => {
    const result = await parse(csv(',,login,Forum,,,0,,me,pw,', ',,note,Wi-Fi,"a, b",,0,,,,'));
    expect(result.accounts).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect((await parse(text('{"encrypted": false, "items": []}'))).accounts).toEqual([]);
  });
});

describe('Bitwarden CSV quoting', () => {
  it('reads quoted fields with commas, doubled quotes, CR, LF and CRLF inside, and CR line ends', async () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    const result = await parse(text(`${HEADER}\r,,login,"Acme, ""Inc""","a\rb\nc\r\nd",,0,,"me,you",,${secret}\r,,login,Plain,,,0,,x,,"${secret}"`));
    expect(result.accounts.map((a) => [a.issuer, a.label])).toEqual([
      ['Acme, "Inc"', 'me,you'],
      ['Plain', 'x'],
    ]);
  });

  it.each([
    ['an unterminated quote', ',,login,"Acme,,,0,,me,,JBSWY3DPEHPK3PXP', 'line 3'],
    ['a quote inside an unquoted field', ',,login,Ac"me,,,0,,me,,JBSWY3DPEHPK3PXP', 'line 3'],
    ['text after a closing quote', ',,login,"Acme"x,,,0,,me,,JBSWY3DPEHPK3PXP', 'line 3'],
    ['a row with a field too few', ',,login,Acme,,0,,me,,JBSWY3DPEHPK3PXP', 'line 3'],
    ['a row with a field too many', ',,login,Acme,,,0,,me,,JBSWY3DPEHPK3PXP,extra', 'line 3'],
  ])('%s → IMPORT_MALFORMED with its line', async (_name, row, path) => {
    const error = await expectImportError(parse(csv(',,login,Fine,,,0,,me,,JBSWY3DPEHPK3PXP', row)), 'IMPORT_MALFORMED');
    expect(error.details?.['path']).toBe(path);
  });

  it('refuses a CSV without a login_totp column, a field over 64 KiB, and a truncated file', async () => {
    await expectImportError(parse(text('name,login_username\nAcme,me\n')), 'IMPORT_MALFORMED');
    await expectImportError(parse(csv(`,,login,"${'x'.repeat(70 * 1024)}",,,0,,me,,JBSWY3DPEHPK3PXP`)), 'IMPORT_MALFORMED');
    const golden = new TextDecoder().decode(fixture('golden.csv'));
    await expectImportError(parse(text(golden.slice(0, golden.indexOf('line ""two""')))), 'IMPORT_MALFORMED');
  });
});

describe('Bitwarden hostile JSON', () => {
  it('refuses truncated JSON, trailing garbage and the wrong shapes', async () => {
    const golden = new TextDecoder().decode(fixture('golden.json'));
    await expectImportError(parse(text(golden.slice(0, 400))), 'IMPORT_MALFORMED');
    await expectImportError(parse(text(`${golden}\n}garbage`)), 'IMPORT_MALFORMED');
    await expectImportError(parse(text('{"encrypted": false, "items": {}}')), 'IMPORT_MALFORMED');
    await expectImportError(parse(text('[{"login": {"totp": "JBSWY3DPEHPK3PXP"}}]')), 'IMPORT_MALFORMED');
    await expectImportError(parse(new Uint8Array([0x7b, 0xff, 0xfe, 0x00])), 'IMPORT_UNREADABLE');
  });

  it('keeps __proto__ and constructor keys as plain data', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const payload = `{"__proto__": {"polluted": 1}, "encrypted": false, "folders": [{"id": "__proto__", "name": "Sneaky"}],
      "items": [{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "name": "Acme", "folderId": "__proto__",
                 "login": {"__proto__": {"polluted": 1}, "username": "me", "totp": "JBSWY3DPEHPK3PXP"}}]}`;
    const result = await parse(text(payload));
    expect(result.accounts.map((a) => [a.issuer, a.label, a.tags])).toEqual([['Acme', 'me', ['Sneaky']]]);
    const fromCsv = await parse(text(`__proto__,constructor,name,login_totp\n"{""polluted"":1}",x,Acme,JBSWY3DPEHPK3PXP\n`));
    expect(fromCsv.accounts.map((a) => a.issuer)).toEqual(['Acme']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});

describe('Bitwarden detection and fuzzing', () => {
  it('is sure of its own JSON and CSV header, and of nothing else', () => {
    for (const name of ['golden.json', 'golden.csv', 'org.csv', 'password-protected.json', 'account-restricted.json']) {
      expect(bitwardenFormat.detect(fixture(name)), name).toBeGreaterThanOrEqual(0.95);
    }
    for (const other of ['{"hello": "world"}', '[{"secret": "JBSWY3DPEHPK3PXP", "type": "TOTP"}]', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n', 'a,b,c\n1,2,3\n', '{']) {
      expect(bitwardenFormat.detect(text(other)), other).toBe(0);
    }
    expect(bitwardenFormat.detect(Uint8Array.from({ length: 300 }, (_, i) => i % 256))).toBe(0);
  });

  it('survives 500 mutated files with only typed errors', async () => {
    await fuzzParser(bitwardenFormat, ['golden.json', 'golden.csv', 'extras.json'].map(fixture));
  });
});
