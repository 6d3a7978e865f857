import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-support/facts.js';
import { expectGolden, expectImportError, fuzzParser } from '../test-support/format-harness.js';
import { googleMigrationFormat } from './google-migration.js';

const fixture = (path: string) => new Uint8Array(readFileSync(join(REPO_ROOT, path)));
const golden = fixture('main/formats/google-migration/fixtures/golden.txt');

describe('google-migration', () => {
  it('reads export lines: the golden set, with the batch parts named', async () => {
    const result = await googleMigrationFormat.parse(golden, {});
    expectGolden(result, Array.from({ length: 12 }, (_, i) => i));
    expect(result.warnings).toEqual(['line 1: part 1 of a 2-part Google export', 'line 2: part 2 of a 2-part Google export']);
  });

  it('reads an export QR image through enrollment', async () => {
    const result = await googleMigrationFormat.parse(fixture('main/enroll/qr/fixtures/google-batch-3-of-3.png'), {});
    expectGolden(result, [30, 31, 32, 33, 34]);
  });

  it('outranks the plain URI list on export lines, and detects images weakly', () => {
    expect(googleMigrationFormat.detect(golden)).toBeGreaterThan(0.9);
    expect(googleMigrationFormat.detect(fixture('main/enroll/qr/fixtures/plain.png'))).toBe(0.6);
  });

  it('refuses a truncated export line', async () => {
    const text = new TextDecoder().decode(golden).split('\n')[0]?.slice(0, 90) ?? '';
    const result = await googleMigrationFormat.parse(new TextEncoder().encode(text), {});
    expect(result.invalid[0]?.field).toBe('MIGRATION_MALFORMED');
    await expectImportError(googleMigrationFormat.parse(new TextEncoder().encode('# nothing here\n\n'), {}), 'IMPORT_MALFORMED');
  });

  it('survives 500 mutated files with only typed errors', async () => {
    await fuzzParser(googleMigrationFormat, [golden]);
  });
});
