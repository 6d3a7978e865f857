import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-support/facts.js';
import { expectGolden, expectImportError, fuzzParser } from '../test-support/format-harness.js';
import { otpauthListFormat } from './otpauth-list.js';

const fixture = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'main/formats/otpauth-list/fixtures', name)));

describe('otpauth-list', () => {
  it('reads the golden set', async () => {
    const result = await otpauthListFormat.parse(fixture('golden.txt'), {});
    expectGolden(result, Array.from({ length: 12 }, (_, i) => i));
    expect(result.invalid).toEqual([]);
  });

  it('collects bad lines with their numbers, CRLF or not', async () => {
    const result = await otpauthListFormat.parse(fixture('golden-crlf-with-bad-line.txt'), {});
    expectGolden(result, [0, 1, 2, 3]);
    expect(result.invalid.map((entry) => [entry.field, entry.reason.slice(0, 7)])).toEqual([
      ['URI_BAD_SECRET', 'line 4:'],
      ['URI_BAD_SCHEME', 'line 5:'],
    ]);
  });

  it('detects URI lists and little else', () => {
    expect(otpauthListFormat.detect(fixture('golden.txt'))).toBeGreaterThan(0.8);
    expect(otpauthListFormat.detect(new TextEncoder().encode('{"entries": []}'))).toBe(0);
  });

  it('refuses empty, binary and UTF-16 files with their codes', async () => {
    await expectImportError(otpauthListFormat.parse(new Uint8Array(), {}), 'IMPORT_EMPTY');
    await expectImportError(otpauthListFormat.parse(new Uint8Array([0x00, 0x01, 0x02, 0xff]), {}), 'IMPORT_UNREADABLE');
    await expectImportError(otpauthListFormat.parse(new Uint8Array([0xff, 0xfe, 0x6f, 0x00]), {}), 'IMPORT_UNREADABLE');
    await expectImportError(otpauthListFormat.parse(new TextEncoder().encode('# only a comment\n'), {}), 'IMPORT_MALFORMED');
  });

  it('survives 500 mutated files with only typed errors', async () => {
    await fuzzParser(otpauthListFormat, [fixture('golden.txt'), fixture('golden-crlf-with-bad-line.txt')]);
  });
});
