import { randomBytes, randomUUID } from 'node:crypto';
import type { ErrorCode } from '../../../shared/errors.js';
import { LIMITS } from '../safe-input.js';
import type { ScryptParams } from '../kdf-box.js';

/**
 * The worst import files we can make inside (or just past) each format's limits, for the budget
 * tests (import-budget.test.ts) and the `imports` benchmark. Every header field has the right shape
 * and length, so each file reaches its KDF plan; none holds a real key (any password is wrong).
 */

const MiB = 1024 * 1024;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

export type KdfKind = 'scrypt' | 'pbkdf2' | 'argon2id';

export interface WorstFile {
  readonly name: string;
  readonly bytes: () => Uint8Array;
  /** undefined: detection picks the format. */
  readonly format?: string;
  /** The code the import must end with, or 'parsed' when the file is read (with its invalid entries). */
  readonly outcome: ErrorCode | 'parsed';
  /** The KDF this file runs, how many times, and with what (for spies and the bench). */
  readonly kdf?: { readonly kind: KdfKind; readonly runs: number };
  /** Whether the worst case is all KDF (legitimately slow when in the box) rather than parsing. */
  readonly inBox?: boolean;
}

export function aegisEncrypted(slots: readonly ScryptParams[]): Uint8Array {
  return json({
    version: 1,
    header: {
      slots: [
        ...slots.map(({ n, r, p }) => ({ type: 1, uuid: randomUUID(), key: hex(32), key_params: { nonce: hex(12), tag: hex(16) }, n, r, p, salt: hex(32), repaired: true, is_backup: false })),
        // A biometric slot: skipped, never derived.
        { type: 2, uuid: randomUUID(), key: hex(32), key_params: { nonce: hex(12), tag: hex(16) } },
      ],
      params: { nonce: hex(12), tag: hex(16) },
    },
    db: b64(4096),
  });
}

/** A plain Aegis vault just under the 10 MiB cap: 10,000 entries (the list limit), each invalid. */
export function aegisPlainJunk(): Uint8Array {
  const count = LIMITS.arrayLength;
  const pad = 'x'.repeat(Math.floor((LIMITS.textBytes - 1024) / count) - 120);
  const entries = Array.from({ length: count }, (_, i) => ({ type: 'totp', uuid: String(i), name: pad, issuer: '', info: { secret: '!!', digits: 99, period: -1 } }));
  return json({ version: 1, header: { slots: null, params: null }, db: { version: 3, entries, groups: [] } });
}

/** andOTP's new layout: uint32 BE iterations | salt | nonce | ciphertext | tag. */
export function andOtpEncrypted(iterations: number): Uint8Array {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(iterations);
  return new Uint8Array(Buffer.concat([head, randomBytes(12 + 12 + 256 + 16)]));
}

export function twoFasEncrypted(): Uint8Array {
  const sealed = () => `${b64(64 + 16)}:${b64(256)}:${b64(12)}`;
  return json({ schemaVersion: 4, appVersionCode: 5000000, services: [], groups: [], servicesEncrypted: sealed(), reference: sealed() });
}

export function enteEncrypted(opsLimit: number, memLimit: number): Uint8Array {
  return json({ version: 1, kdfParams: { memLimit, opsLimit, salt: b64(16) }, encryptedData: b64(256), encryptionNonce: b64(24) });
}

/** A password-protected Bitwarden export asking for absurd KDF work: refused before any KDF (not supported). */
export function bitwardenProtected(): Uint8Array {
  return json({ encrypted: true, passwordProtected: true, salt: b64(16), kdfType: 1, kdfIterations: 2 ** 31, kdfMemory: 1 << 20, kdfParallelism: 64, encKeyValidation_DO_NOT_EDIT: `2.${b64(16)}|${b64(64)}|${b64(32)}`, data: `2.${b64(16)}|${b64(4096)}|${b64(32)}` });
}

/** Just under the 10 MiB text cap. */
const NEAR_CAP = LIMITS.textBytes - 1024;

/** JSON no format claims: one object with ~600,000 short keys. */
export function junkJsonManyKeys(): Uint8Array {
  const parts: string[] = [];
  let size = 2;
  for (let i = 0; size < NEAR_CAP - 32; i++) {
    const part = `"k${String(i)}":"v"`;
    parts.push(part);
    size += part.length + 1;
  }
  return new TextEncoder().encode(`{${parts.join(',')}}`);
}

/** JSON no format claims: 160 strings of 64 KiB (each at the string limit). */
export function junkJsonLongStrings(): Uint8Array {
  const s = 'y'.repeat(LIMITS.stringLength);
  const count = Math.floor(NEAR_CAP / (s.length + 3));
  return new TextEncoder().encode(`{"junk":[${Array.from({ length: count }, () => `"${s}"`).join(',')}]}`);
}

/** Five million nested lists: 10 MB of `[` then `]`. */
export function deepNesting(): Uint8Array {
  const depth = Math.floor(NEAR_CAP / 2);
  return new TextEncoder().encode(`${'['.repeat(depth)}${']'.repeat(depth)}`);
}

/** A list of five million zeros. */
export function wideList(): Uint8Array {
  const count = Math.floor(NEAR_CAP / 2);
  return new TextEncoder().encode(`[${Array.from({ length: count }, () => '0').join(',')}]`);
}

const AEGIS_DEFAULT: ScryptParams = { n: 2 ** 15, r: 8, p: 1 };
const repeat = <T>(count: number, value: T): T[] => Array.from({ length: count }, () => value);

export const WORST_FILES: readonly WorstFile[] = [
  // The file of issue 12: 16 password slots at N=2^19, r=8 (512 MiB each); now refused per slot.
  { name: 'Aegis, 16 slots at scrypt 2^19/8/1', bytes: () => aegisEncrypted(repeat(16, { n: 2 ** 19, r: 8, p: 1 })), outcome: 'KDF_PARAMS_OUT_OF_RANGE', kdf: { kind: 'scrypt', runs: 0 } },
  // Each slot over the work box (2^22), 16 of them far over it.
  { name: 'Aegis, 16 slots at scrypt 2^17/8/4', bytes: () => aegisEncrypted(repeat(16, { n: 2 ** 17, r: 8, p: 4 })), outcome: 'KDF_PARAMS_OUT_OF_RANGE', kdf: { kind: 'scrypt', runs: 0 } },
  // Just over: 7 default slots and one at twice the work.
  { name: 'Aegis, 7 default slots + 1 at 2^16/8/1', bytes: () => aegisEncrypted([...repeat(7, AEGIS_DEFAULT), { n: 2 ** 16, r: 8, p: 1 }]), outcome: 'KDF_PARAMS_OUT_OF_RANGE', kdf: { kind: 'scrypt', runs: 0 } },
  { name: 'Aegis, 16 slots at 2^15/8/1', bytes: () => aegisEncrypted(repeat(16, AEGIS_DEFAULT)), outcome: 'KDF_PARAMS_OUT_OF_RANGE', kdf: { kind: 'scrypt', runs: 0 } },
  // The worst in the box: all 8 slots tried (wrong password), 2^21 work together.
  { name: 'Aegis, 8 slots at 2^15/8/1, wrong password', bytes: () => aegisEncrypted(repeat(8, AEGIS_DEFAULT)), outcome: 'IMPORT_WRONG_PASSWORD', kdf: { kind: 'scrypt', runs: 8 }, inBox: true },
  { name: 'Aegis, 1 slot at 2^17/8/2 (128 MiB), wrong password', bytes: () => aegisEncrypted([{ n: 2 ** 17, r: 8, p: 2 }]), outcome: 'IMPORT_WRONG_PASSWORD', kdf: { kind: 'scrypt', runs: 1 }, inBox: true },
  { name: 'Aegis plain, 10 MiB of 10,000 invalid entries', bytes: aegisPlainJunk, outcome: 'parsed' },
  { name: 'andOTP at 10,000,000 PBKDF2 iterations', bytes: () => andOtpEncrypted(10_000_000), format: 'andotp', outcome: 'KDF_PARAMS_OUT_OF_RANGE', kdf: { kind: 'pbkdf2', runs: 0 } },
  { name: 'andOTP at 1,000,000 PBKDF2 iterations, wrong password', bytes: () => andOtpEncrypted(1_000_000), format: 'andotp', outcome: 'IMPORT_WRONG_PASSWORD', kdf: { kind: 'pbkdf2', runs: 1 }, inBox: true },
  { name: '2FAS (fixed 10,000 PBKDF2 iterations), wrong password', bytes: twoFasEncrypted, outcome: 'IMPORT_WRONG_PASSWORD', kdf: { kind: 'pbkdf2', runs: 1 }, inBox: true },
  { name: 'Ente at Argon2id 5 × 1 GiB', bytes: () => enteEncrypted(5, 1024 * MiB), outcome: 'KDF_PARAMS_OUT_OF_RANGE', kdf: { kind: 'argon2id', runs: 0 } },
  { name: 'Ente at Argon2id 65 × 64 MiB', bytes: () => enteEncrypted(65, 64 * MiB), outcome: 'KDF_PARAMS_OUT_OF_RANGE', kdf: { kind: 'argon2id', runs: 0 } },
  { name: 'Ente at Argon2id 4 × 1 GiB (box edge), wrong password', bytes: () => enteEncrypted(4, 1024 * MiB), outcome: 'IMPORT_WRONG_PASSWORD', kdf: { kind: 'argon2id', runs: 1 }, inBox: true },
  { name: 'Bitwarden password-protected, absurd KDF', bytes: bitwardenProtected, outcome: 'IMPORT_UNSUPPORTED_VERSION', kdf: { kind: 'argon2id', runs: 0 } },
  { name: '10 MiB JSON, 600k keys (detection)', bytes: junkJsonManyKeys, outcome: 'IMPORT_UNKNOWN_FORMAT' },
  { name: '10 MiB JSON, 600k keys (as Aegis)', bytes: junkJsonManyKeys, format: 'aegis', outcome: 'IMPORT_MALFORMED' },
  { name: '10 MiB JSON, 160 × 64 KiB strings (detection)', bytes: junkJsonLongStrings, outcome: 'IMPORT_UNKNOWN_FORMAT' },
  { name: '10 MiB JSON nested 5,000,000 deep (detection)', bytes: deepNesting, outcome: 'IMPORT_UNKNOWN_FORMAT' },
  { name: '10 MiB JSON nested 5,000,000 deep (as 2FAS)', bytes: deepNesting, format: 'two-fas', outcome: 'IMPORT_MALFORMED' },
  { name: '10 MiB JSON list of 5,000,000 zeros (as andOTP)', bytes: wideList, format: 'andotp', outcome: 'IMPORT_MALFORMED' },
];

export interface Cost {
  readonly ms: number;
  /** The highest RSS seen while running (sampled every 5 ms, and at the end), minus RSS before. */
  readonly extraRssBytes: number;
}

/** Wall time and extra RSS of one run. RSS is sampled on a timer, so a blocked main thread is seen at its end. */
export async function measureCost(run: () => Promise<unknown>): Promise<Cost> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - started;
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ms, extraRssBytes: peak - before };
}
