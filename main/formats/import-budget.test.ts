import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LatchkeyError } from '../../shared/errors.js';
import { SerialQueue } from './kdf-queue.js';
import { detectFormat, readImport } from './read-import.js';
import { expectImportError } from './test-support/format-harness.js';
import { aegisEncrypted, andOtpEncrypted, enteEncrypted, junkJsonManyKeys, measureCost, WORST_FILES, type KdfKind } from './test-support/worst-files.js';
import type { Argon2id, ParseOptions, Pbkdf2, Scrypt } from './types.js';

/**
 * SECURITY-NOTES §8's budget for imports, whatever the file says: a file's KDF runs are summed
 * against its format's one box before the first runs, every import KDF waits in one queue, and a
 * JSON file is parsed once for detection. The KDFs here are spies (a few ms each, a random key), so
 * the tests count derivations and never depend on this machine's speed; `npm run bench -- imports`
 * measures the same files with the real KDFs.
 */

const MiB = 1024 * 1024;

/** Spy KDFs sharing one in-flight counter: `maxActive` is how many ever ran at once. */
function spyKdfs(delayMs = 1) {
  const calls: Record<KdfKind, unknown[][]> = { scrypt: [], pbkdf2: [], argon2id: [] };
  const state = { active: 0, maxActive: 0 };
  const spy =
    (kind: KdfKind) =>
    async (...args: unknown[]): Promise<Uint8Array> => {
      calls[kind].push(args.slice(2));
      state.active++;
      state.maxActive = Math.max(state.maxActive, state.active);
      try {
        await sleep(delayMs);
        return new Uint8Array(randomBytes(32));
      } finally {
        state.active--;
      }
    };
  const options = { scrypt: spy('scrypt') as Scrypt, pbkdf2: spy('pbkdf2') as Pbkdf2, argon2id: spy('argon2id') as Argon2id } satisfies ParseOptions;
  return { calls, state, options };
}

const figures: string[] = [];

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  if (figures.length > 0) console.info(`import budget (spy KDFs; see the bench for real ones):\n${figures.join('\n')}`);
});

describe('the worst file of each format', () => {
  it.each(WORST_FILES.map((file) => [file.name, file] as const))('%s', async (_name, file) => {
    const bytes = file.bytes();
    const kdfs = spyKdfs();
    let outcome = 'parsed';
    const cost = await measureCost(async () => {
      try {
        await readImport(bytes, { ...kdfs.options, kdfQueue: new SerialQueue(), password: 'not the password', ...(file.format === undefined ? {} : { format: file.format }) });
      } catch (error) {
        if (!(error instanceof LatchkeyError)) throw error;
        outcome = error.code;
      }
    });
    figures.push(`  ${file.name}: ${outcome}, ${cost.ms.toFixed(0)} ms, +${(cost.extraRssBytes / MiB).toFixed(0)} MiB RSS`);

    expect(outcome).toBe(file.outcome);
    // Exactly the derivations the plan allows; none at all for a file over its box.
    for (const kind of ['scrypt', 'pbkdf2', 'argon2id'] as const) {
      expect(kdfs.calls[kind], kind).toHaveLength(file.kdf?.kind === kind ? file.kdf.runs : 0);
    }
    expect(kdfs.state.maxActive).toBeLessThanOrEqual(1);
    // Where the work is tiny (refused before any KDF or parse of size), the budget holds with room to spare.
    if (bytes.length < 1 * MiB) {
      expect(cost.ms).toBeLessThan(2000);
      expect(cost.extraRssBytes).toBeLessThan(256 * MiB);
    }
  });

  it('the Aegis file of issue 12 (16 slots at N=2^19) is refused at its first slot, naming scrypt', async () => {
    const kdfs = spyKdfs();
    const error = await expectImportError(readImport(aegisEncrypted(Array.from({ length: 16 }, () => ({ n: 2 ** 19, r: 8, p: 1 }))), { ...kdfs.options, password: 'x' }), 'KDF_PARAMS_OUT_OF_RANGE');
    expect(error.message).toContain('scrypt N=524288');
    expect(kdfs.calls.scrypt).toHaveLength(0);
  });

  it('16 slots each inside the scrypt box are refused together, before any derivation', async () => {
    const kdfs = spyKdfs();
    const error = await expectImportError(readImport(aegisEncrypted(Array.from({ length: 16 }, () => ({ n: 2 ** 17, r: 8, p: 2 }))), { ...kdfs.options, password: 'x' }), 'KDF_PARAMS_OUT_OF_RANGE');
    expect(error.message).toContain('16 scrypt derivations');
    expect(kdfs.calls.scrypt).toHaveLength(0);
  });

  it('the box is refused before the password is even looked at', async () => {
    const kdfs = spyKdfs();
    await expectImportError(readImport(aegisEncrypted([{ n: 2 ** 19, r: 8, p: 1 }]), kdfs.options), 'KDF_PARAMS_OUT_OF_RANGE');
    await expectImportError(readImport(enteEncrypted(64, 1024 * MiB), kdfs.options), 'KDF_PARAMS_OUT_OF_RANGE');
    expect(kdfs.calls.scrypt.length + kdfs.calls.argon2id.length).toBe(0);
  });

  it('Ente at the Argon2id box edge derives once, with the file’s parameters, telling progress first', async () => {
    const kdfs = spyKdfs();
    const progress: string[] = [];
    await expectImportError(readImport(enteEncrypted(4, 1024 * MiB), { ...kdfs.options, password: 'x', onProgress: (message) => progress.push(message) }), 'IMPORT_WRONG_PASSWORD');
    expect(kdfs.calls.argon2id).toEqual([[4, 1024 * MiB]]);
    expect(progress.join('\n')).toContain('Argon2id');
  });

  it('a real in-box Aegis file runs real scrypt for every slot, one after the other', { timeout: 60_000 }, async () => {
    const queue = new SerialQueue();
    const progress: string[] = [];
    const file = aegisEncrypted(Array.from({ length: 8 }, () => ({ n: 2 ** 15, r: 8, p: 1 })));
    const cost = await measureCost(() => expectImportError(readImport(file, { password: 'x', kdfQueue: queue, onProgress: (m) => progress.push(m) }), 'IMPORT_WRONG_PASSWORD'));
    figures.push(`  real scrypt, Aegis 8 × 2^15/8/1: ${cost.ms.toFixed(0)} ms, +${(cost.extraRssBytes / MiB).toFixed(0)} MiB RSS`);
    expect(progress.filter((m) => m.includes('Aegis password slot'))).toHaveLength(8);
    // 8 × 32 MiB one at a time: one slot's memory, never 8 (generous: the test process's own noise).
    expect(cost.extraRssBytes).toBeLessThan(256 * MiB);
  });
});

describe('one import KDF at a time', () => {
  it('a SerialQueue runs tasks in order, one at a time, and goes on after a failure', async () => {
    const queue = new SerialQueue();
    const order: string[] = [];
    let active = 0;
    let maxActive = 0;
    const task = (name: string, fail = false) => async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      order.push(`start ${name}`);
      await sleep(5);
      order.push(`end ${name}`);
      active--;
      if (fail) throw new Error(name);
      return name;
    };
    expect(queue.busy).toBe(false);
    const results = Promise.allSettled([queue.run(task('a')), queue.run(task('b', true)), queue.run(task('c'))]);
    expect(queue.busy).toBe(true);
    const [a, b, c] = await results;
    expect(a).toEqual({ status: 'fulfilled', value: 'a' });
    expect(b.status).toBe('rejected');
    expect(c).toEqual({ status: 'fulfilled', value: 'c' });
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(maxActive).toBe(1);
    expect(queue.busy).toBe(false);
  });

  it('concurrent previews (scrypt, PBKDF2, Argon2id) never derive at once through the process-wide queue', async () => {
    // No kdfQueue given: the default, shared by every import in this process.
    const kdfs = spyKdfs(3);
    const progress: string[] = [];
    const options = { ...kdfs.options, password: 'x', onProgress: (m: string) => progress.push(m) };
    const aegis = aegisEncrypted(Array.from({ length: 4 }, () => ({ n: 2 ** 15, r: 8, p: 1 })));
    const outcomes = await Promise.allSettled([
      readImport(aegis, options),
      readImport(aegis, options),
      readImport(andOtpEncrypted(150_000), { ...options, format: 'andotp' }),
      readImport(enteEncrypted(16, 256 * MiB), options),
    ]);
    expect(outcomes.map((o) => (o.status === 'rejected' && o.reason instanceof LatchkeyError ? o.reason.code : o.status))).toEqual(Array.from({ length: 4 }, () => 'IMPORT_WRONG_PASSWORD'));
    expect([kdfs.calls.scrypt.length, kdfs.calls.pbkdf2.length, kdfs.calls.argon2id.length]).toEqual([8, 1, 1]);
    expect(kdfs.state.maxActive).toBe(1);
    expect(progress.some((m) => m.startsWith('Waiting for another import'))).toBe(true);
  });
});

describe('detection reads a JSON file once', () => {
  it('one JSON.parse for all detectors of a 10 MiB file', () => {
    const bytes = junkJsonManyKeys();
    const parse = vi.spyOn(JSON, 'parse');
    expect(() => detectFormat(bytes)).toThrow(expect.objectContaining({ code: 'IMPORT_UNKNOWN_FORMAT' }) as Error);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('sizes are checked before detection parses anything', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const over = new TextEncoder().encode(`{"a":"${'x'.repeat(51 * MiB)}"}`);
    await expectImportError(readImport(over, {}), 'IMPORT_TOO_LARGE');
    // Over the 10 MiB text cap: too large, not of an unknown format (issue 13, item 10).
    const text = new TextEncoder().encode(`{"a":"${'x'.repeat(11 * MiB)}"}`);
    await expectImportError(readImport(text, {}), 'IMPORT_TOO_LARGE');
    expect(parse).not.toHaveBeenCalled();
  });

  it('nesting deeper than 64 is refused before JSON.parse builds it', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const deep = new TextEncoder().encode(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
    await expectImportError(readImport(deep, {}), 'IMPORT_UNKNOWN_FORMAT');
    await expectImportError(readImport(deep, { format: 'aegis' }), 'IMPORT_MALFORMED');
    // Brackets inside strings are not nesting.
    const inString = new TextEncoder().encode(JSON.stringify({ version: 1, header: { slots: null, params: null }, db: { version: 3, entries: [{ type: 'totp', name: '['.repeat(200), info: { secret: 'JBSWY3DPEHPK3PXP' } }] } }));
    const result = await readImport(inString, {});
    expect(result.format).toBe('aegis');
    expect(result.accounts).toHaveLength(1);
    expect(parse).toHaveBeenCalledTimes(2);
  });
});
