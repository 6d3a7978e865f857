import fc from 'fast-check';
import { expect } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { createCodeGenerator } from '../../otp/index.js';
import { goldenAccount } from '../../test-support/golden-accounts.js';
import type { ImportFormat, ImportResult, ParseOptions } from '../types.js';

/** The moment at which golden codes are compared. */
export const GOLDEN_TIME_MS = 1_700_000_000_000;

function codeOf(account: Parameters<typeof createCodeGenerator>[0] & { secret: Uint8Array }): string {
  return createCodeGenerator(account, account.secret).codeAt(GOLDEN_TIME_MS).code;
}

/**
 * Every imported account matches golden account `indexes[i]` by secret and by its code at a fixed
 * time (STYLE.md: Aegis's importer tests), and by type, issuer and label.
 */
export function expectGolden(result: ImportResult, indexes: readonly number[]): void {
  expect(result.accounts).toHaveLength(indexes.length);
  result.accounts.forEach((account, i) => {
    const golden = goldenAccount(indexes[i] ?? -1);
    expect(Buffer.from(account.secret).toString('hex'), `secret of entry ${String(i)}`).toBe(Buffer.from(golden.secret).toString('hex'));
    expect(codeOf(account), `code of entry ${String(i)}`).toBe(codeOf(golden));
    expect({ type: account.type, issuer: account.issuer, label: account.label }).toEqual({ type: golden.type, issuer: golden.issuer, label: golden.label });
  });
}

/** Mutations of a valid file: bit flips, truncations, splices, insertions. */
export function mutations(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const flip = fc.record({ at: fc.nat({ max: valid.length - 1 }), bit: fc.integer({ min: 0, max: 7 }) }).map(({ at, bit }) => {
    const copy = new Uint8Array(valid);
    copy[at] = (copy[at] ?? 0) ^ (1 << bit);
    return copy;
  });
  const truncate = fc.nat({ max: valid.length }).map((length) => valid.slice(0, length));
  const splice = fc.record({ from: fc.nat({ max: valid.length }), to: fc.nat({ max: valid.length }), insert: fc.uint8Array({ maxLength: 32 }) }).map(({ from, to, insert }) => {
    const [a, b] = from <= to ? [from, to] : [to, from];
    return new Uint8Array([...valid.subarray(0, a), ...insert, ...valid.subarray(b)]);
  });
  const duplicate = fc.record({ from: fc.nat({ max: valid.length }), length: fc.nat({ max: 64 }) }).map(({ from, length }) => {
    return new Uint8Array([...valid.subarray(0, from), ...valid.subarray(from, from + length), ...valid.subarray(from)]);
  });
  return fc.oneof({ arbitrary: flip, weight: 4 }, { arbitrary: truncate, weight: 2 }, { arbitrary: splice, weight: 2 }, { arbitrary: duplicate, weight: 1 }, { arbitrary: fc.uint8Array({ maxLength: 512 }), weight: 1 });
}

/**
 * Fuzzes a parser (≥ 500 runs by default): mostly mutations of valid files, each under a time limit;
 * only our typed errors may come out, and `detect` never throws.
 */
export async function fuzzParser(format: ImportFormat, validFiles: readonly Uint8Array[], options: ParseOptions = {}, runs = 500): Promise<void> {
  const inputs = fc.oneof(...validFiles.map((file) => mutations(file)));
  await fc.assert(
    fc.asyncProperty(inputs, async (bytes) => {
      expect(() => format.detect(bytes)).not.toThrow();
      try {
        await withTimeout(format.parse(bytes, options), 2000);
      } catch (error) {
        if (!(error instanceof LatchkeyError)) throw error;
      }
    }),
    { numRuns: runs, seed: 4242 },
  );
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`parse took over ${String(ms)} ms`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Expects a typed error with this code (the message must not leak the password). */
export async function expectImportError(promise: Promise<unknown>, code: string, password?: string): Promise<LatchkeyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(LatchkeyError);
  expect((error as LatchkeyError).code).toBe(code);
  if (password !== undefined) expect((error as LatchkeyError).message).not.toContain(password);
  return error as LatchkeyError;
}
