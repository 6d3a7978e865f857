import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../test-support/facts.js';
import { readImport } from './read-import.js';
import { expectGolden, expectImportError } from './test-support/format-harness.js';
import type { Pbkdf2 } from './types.js';

/**
 * A file no detector is sure of, given with a password: the layouts whose only test is decryption
 * (andOTP's old layout has no header; its new one outside andOTP's own iteration range) are tried,
 * cheapest first, so `latchkey import backup.json.aes --import-password-file F` needs no --format.
 */
const PASSWORD = 'Latchkey andOTP tëst ✓';
const andotp = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'main/formats/andotp/fixtures', name)));
const GOLDEN = Array.from({ length: 12 }, (_, i) => i);

function countingPbkdf2(): Pbkdf2 & { calls: number[] } {
  const calls: number[] = [];
  const pbkdf2 = vi.fn<Pbkdf2>(async (password, salt, iterations, digest) => {
    calls.push(iterations);
    const { pbkdf2Sync } = await import('node:crypto');
    return new Uint8Array(pbkdf2Sync(password, salt, iterations, 32, digest));
  });
  return Object.assign(pbkdf2, { calls });
}

describe('detection by decryption', () => {
  it("andOTP's old layout (no header) is found with its password alone, by the one-hash trial: no PBKDF2 runs", async () => {
    const pbkdf2 = countingPbkdf2();
    const result = await readImport(andotp('golden-old.json.aes'), { password: PASSWORD, pbkdf2 });
    expect(result.format).toBe('andotp');
    expectGolden(result, GOLDEN);
    expect(pbkdf2.calls).toEqual([]);
  });

  it('an old-layout file whose nonce reads as an iteration count opens by the cheap trial before any PBKDF2', async () => {
    const pbkdf2 = countingPbkdf2();
    const result = await readImport(andotp('old-labels-old-header-like.json.aes'), { password: PASSWORD, pbkdf2 });
    expect(result.format).toBe('andotp');
    expectGolden(result, [12, 13, 14, 15]);
    expect(pbkdf2.calls).toEqual([]);
  });

  it('the new layout outside andOTP’s iteration range is tried after the old one, with its count', async () => {
    const pbkdf2 = countingPbkdf2();
    const result = await readImport(andotp('golden-new-fast.json.aes'), { password: PASSWORD, pbkdf2 });
    expect(result.format).toBe('andotp');
    expectGolden(result, GOLDEN);
    expect(pbkdf2.calls).toEqual([1000]);
  });

  it('without a password, or with a wrong one, it stays IMPORT_UNKNOWN_FORMAT (the message says the password opened nothing)', async () => {
    await expectImportError(readImport(andotp('golden-old.json.aes'), {}), 'IMPORT_UNKNOWN_FORMAT');
    const wrong = await expectImportError(readImport(andotp('golden-old.json.aes'), { password: 'not it' }), 'IMPORT_UNKNOWN_FORMAT', 'not it');
    expect(wrong.message).toMatch(/the password given opens none of the layouts without a header/);
  });

  it('random bytes with a password: IMPORT_UNKNOWN_FORMAT, quickly', async () => {
    const garbage = new Uint8Array(randomBytes(4096));
    garbage.set([0xff, 0xff, 0xff, 0xff]);
    const started = performance.now();
    await expectImportError(readImport(garbage, { password: PASSWORD }), 'IMPORT_UNKNOWN_FORMAT');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('a detected format is never second-guessed by a trial', async () => {
    const result = await readImport(andotp('golden-new.json.aes'), { password: PASSWORD });
    expect(result.format).toBe('andotp');
  });
});
