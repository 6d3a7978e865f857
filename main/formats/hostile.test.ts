import { describe, expect, it } from 'vitest';
import { FORMAT_IDS, FORMATS } from './registry.js';
import { detectFormat, readImport } from './read-import.js';
import { expectImportError } from './test-support/format-harness.js';

/**
 * SECURITY-NOTES §8 for any import file, through the front door every import takes: each hostile
 * case gets its own code within its time and memory budget, and the prototype canary holds.
 */
const text = (s: string) => new TextEncoder().encode(s);

async function withinBudget(run: () => Promise<unknown>): Promise<void> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  await run();
  expect(performance.now() - started).toBeLessThan(2000);
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
}

describe('hostile inputs to readImport', () => {
  it('0 bytes → IMPORT_EMPTY', async () => {
    await expectImportError(readImport(new Uint8Array(), {}), 'IMPORT_EMPTY');
  });

  it('a 200 MB file → IMPORT_TOO_LARGE before any parsing', async () => {
    const huge = new Uint8Array(200 * 1024 * 1024);
    await withinBudget(() => expectImportError(readImport(huge, {}), 'IMPORT_TOO_LARGE'));
  });

  it('an 11 MiB text export → IMPORT_TOO_LARGE', async () => {
    const big = text('otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n'.repeat(11 * 1024 * 1024 / 40));
    await withinBudget(() => expectImportError(readImport(big, { format: 'otpauth-list' }), 'IMPORT_TOO_LARGE'));
  });

  it('a 50 MB valid otpauth list without --format → IMPORT_TOO_LARGE, before detection', async () => {
    const line = 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n';
    const big = text(line.repeat(Math.ceil(50_000_000 / line.length)));
    await withinBudget(() => expectImportError(readImport(big, {}), 'IMPORT_TOO_LARGE'));
  });

  it('binary garbage and UTF-16 without BOM → IMPORT_UNKNOWN_FORMAT or IMPORT_UNREADABLE', async () => {
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
    await expectImportError(readImport(garbage, {}), 'IMPORT_UNKNOWN_FORMAT');
    await expectImportError(readImport(garbage, { format: 'otpauth-list' }), 'IMPORT_UNREADABLE');
    const utf16 = new Uint8Array(Buffer.from('otpauth://totp/a?secret=JBSWY3DPEHPK3PXP', 'utf16le'));
    await expectImportError(readImport(utf16, { format: 'otpauth-list' }), 'IMPORT_UNREADABLE');
  });

  it('an unknown format names the formats we know; an unknown --format too', async () => {
    const error = await expectImportError(readImport(text('{"hello": "world"}'), {}), 'IMPORT_UNKNOWN_FORMAT');
    for (const id of FORMAT_IDS) expect(error.message).toContain(id);
    await expectImportError(readImport(text('x'), { format: 'keepass' }), 'IMPORT_UNKNOWN_FORMAT');
  });

  it('no detector throws or claims random bytes', () => {
    for (const bytes of [new Uint8Array(), text('{'), text('[]'), text('\u0000\u0001'), Uint8Array.from({ length: 300 }, (_, i) => i % 256)]) {
      for (const id of FORMAT_IDS) expect(FORMATS[id].detect(bytes)).toBeLessThanOrEqual(0.5);
    }
  });

  it('detection picks the most specific format', () => {
    expect(detectFormat(text('otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n'))).toBe('otpauth-list');
  });
});

/** The formats whose files are JSON (Bitwarden's CSV form aside). */
const JSON_FORMATS: readonly string[] = ['aegis', 'two-fas', 'andotp', 'bitwarden', 'freeotp-plus', 'ente'];

describe('hostile JSON, for every JSON format', () => {
  const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
  const wide = `[${Array.from({ length: 10_001 }, () => '0').join(',')}]`;
  const longString = `{"a": "${'x'.repeat(70 * 1024)}"}`;
  const truncated = '{"version": 1, "entries": [';
  const trailing = '{"version": 1} garbage';

  it.each([
    ['nesting deeper than 64', deep],
    ['an array over 10,000 entries', wide],
    ['a string over 64 KiB', longString],
    ['truncated JSON', truncated],
    ['trailing garbage', trailing],
  ])('%s → IMPORT_MALFORMED in every JSON format', async (_name, json) => {
    const formats = FORMAT_IDS.filter((id) => JSON_FORMATS.includes(id));
    expect(formats.length).toBeGreaterThan(0);
    for (const id of formats) {
      await withinBudget(() => expectImportError(readImport(text(json), { format: id }), 'IMPORT_MALFORMED'));
    }
  });

  it('__proto__, constructor and prototype keys stay plain data', async () => {
    const payload = '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "entries": [{"__proto__": {"polluted": true}}]}';
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    for (const id of FORMAT_IDS) {
      await readImport(text(payload), { format: id }).catch(() => undefined);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});
