import { createDecipheriv, createHash } from 'node:crypto';
import { ImportError } from '../import-error.js';
import { importKdfs } from '../import-kdf.js';
import { assertPbkdf2Box, assertPbkdf2Plan } from '../kdf-box.js';
import type { ParseOptions } from '../types.js';

/*
 * andOTP's two encrypted layouts (shared/formats/andotp.md). Neither has a magic number or a version:
 *   new (≥ 0.6.3): uint32 BE iterations | 12-byte salt | 12-byte nonce | ciphertext | 16-byte tag,
 *                  key = PBKDF2-HMAC-SHA1(password, salt, iterations, 32 bytes)
 *   old:           12-byte nonce | ciphertext | 16-byte tag, key = SHA-256(password)
 * Both are AES-256-GCM without associated data, and nothing else in the file checks the key. So a
 * wrong password and a damaged byte fail the same way, at the tag: we cannot tell them apart and
 * say so in one IMPORT_WRONG_PASSWORD ("wrong password, or the file is damaged"), only after both
 * layouts have failed. IMPORT_INTEGRITY would need a key check value, which andOTP never wrote.
 */
const ITERATIONS_BYTES = 4;
const SALT_BYTES = 12;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The shortest plaintext worth opening: `[]`. */
const MIN_PLAINTEXT = 2;
export const OLD_MIN_BYTES = NONCE_BYTES + TAG_BYTES + MIN_PLAINTEXT;
const NEW_HEADER_BYTES = ITERATIONS_BYTES + SALT_BYTES + NONCE_BYTES;
export const NEW_MIN_BYTES = NEW_HEADER_BYTES + TAG_BYTES + MIN_PLAINTEXT;
/**
 * An out-of-box count is only reported as such when its high byte is zero: an old-layout file starts
 * with a random nonce, whose first four bytes are almost always "out of box" and must not turn a
 * wrong password into a KDF complaint.
 */
const COUNT_LIKE_MAX = 0x00ff_ffff;

/** The iterations andOTP itself picks (Constants.java), for detection. */
export const ANDOTP_ITERATIONS = { min: 140_000, max: 160_000 } as const;
const ANDOTP_MAX_ITERATIONS = 1_000_000;

/**
 * Opens an encrypted backup, trying the new layout first when its iteration count is inside the
 * PBKDF2 box (checked before deriving), then the old one. Returns the plaintext JSON bytes.
 */
export async function decryptAndOtp(bytes: Uint8Array, options: ParseOptions): Promise<Uint8Array> {
  if (bytes.length < OLD_MIN_BYTES) {
    throw new ImportError('IMPORT_MALFORMED', 'the file is too short to be an andOTP backup', { path: `byte ${String(bytes.length)}` });
  }
  const { password } = options;
  if (password === undefined) throw new ImportError('IMPORT_WRONG_PASSWORD', 'this andOTP backup is encrypted: give its password');
  const iterations = newLayoutIterations(bytes);
  const boxProblem = iterations === undefined ? undefined : pbkdf2BoxProblem(iterations);
  if (iterations !== undefined && boxProblem === undefined) {
    const plain = await openNewLayout(bytes, iterations, options);
    if (plain !== undefined) return plain;
  }
  const plain = openOldLayout(bytes, password);
  if (plain !== undefined) return plain;

  if (boxProblem !== undefined && iterations !== undefined && iterations <= COUNT_LIKE_MAX) {
    throw new ImportError('KDF_PARAMS_OUT_OF_RANGE', `${boxProblem.message} (or, if this backup is from andOTP before 0.6.3, its password is wrong)`);
  }
  throw new ImportError('IMPORT_WRONG_PASSWORD', 'the password is wrong, or the backup is damaged (an andOTP backup cannot tell the two apart)');
}

/** The iteration count the new layout would start with, or undefined when the file is too short for it. */
function newLayoutIterations(bytes: Uint8Array): number | undefined {
  return bytes.length >= NEW_MIN_BYTES ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(0) : undefined;
}

/**
 * What opening the new layout would cost (its PBKDF2 iterations), or undefined when the count at its
 * head is outside the box (so it is not a new-layout file we would open).
 */
export function newLayoutCost(bytes: Uint8Array): number | undefined {
  const iterations = newLayoutIterations(bytes);
  return iterations !== undefined && pbkdf2BoxProblem(iterations) === undefined ? iterations : undefined;
}

/** The new layout opened with the password (one PBKDF2 run, in the box): the plaintext, or undefined. */
export async function openNewLayout(bytes: Uint8Array, iterations: number, options: ParseOptions): Promise<Uint8Array | undefined> {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const salt = data.subarray(ITERATIONS_BYTES, ITERATIONS_BYTES + SALT_BYTES);
  options.onProgress?.(`deriving the andOTP backup key (PBKDF2, ${iterations.toLocaleString('en')} iterations)`);
  // The file's one PBKDF2 run is its whole plan (the old layout's SHA-256 costs nothing).
  assertPbkdf2Plan([iterations]);
  const key = await importKdfs(options).pbkdf2(Buffer.from(options.password ?? '', 'utf8'), salt, iterations, 'sha1');
  try {
    return openGcm(key, data.subarray(ITERATIONS_BYTES + SALT_BYTES, NEW_HEADER_BYTES), data.subarray(NEW_HEADER_BYTES));
  } finally {
    key.fill(0);
  }
}

/** The old layout opened with the password (its key is one SHA-256): the plaintext, or undefined. */
export function openOldLayout(bytes: Uint8Array, password: string): Uint8Array | undefined {
  if (bytes.length < OLD_MIN_BYTES) return undefined;
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const key = createHash('sha256').update(Buffer.from(password, 'utf8')).digest();
  try {
    return openGcm(key, data.subarray(0, NONCE_BYTES), data.subarray(NONCE_BYTES));
  } finally {
    key.fill(0);
  }
}

/**
 * andOTP's own box, inside the shared one: andOTP draws its count from 140,000–160,000 and no version
 * wrote more, while the shared PBKDF2 ceiling (10,000,000) takes seconds to derive (9 s on a 2-core
 * test machine), over the 2 s a hostile file may cost. 1,000,000 is six times what andOTP writes.
 */
function pbkdf2BoxProblem(iterations: number): ImportError | undefined {
  if (iterations > ANDOTP_MAX_ITERATIONS) {
    return new ImportError(
      'KDF_PARAMS_OUT_OF_RANGE',
      `the backup asks for PBKDF2 with ${String(iterations)} iterations, but andOTP writes 140,000 to 160,000 (up to 1,000,000 accepted); refused before deriving`,
    );
  }
  try {
    assertPbkdf2Box(iterations);
    return undefined;
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
}

/** AES-256-GCM open: the plaintext, or undefined when the tag does not match. */
function openGcm(key: Uint8Array, nonce: Buffer, sealed: Buffer): Uint8Array | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const head = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    return new Uint8Array(Buffer.concat([head, decipher.final()]));
  } catch {
    return undefined;
  }
}
