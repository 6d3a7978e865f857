import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

/** YubiKey access password (sheet §8): PBKDF2-HMAC-SHA1, 1000 iterations, 16 bytes, salted with SELECT's 71. */
const ITERATIONS = 1000;
export const ACCESS_KEY_SIZE = 16;
export const CHALLENGE_SIZE = 8;

/**
 * The 16-byte access key for `password` on the key whose SELECT gave `salt`. Password-equivalent:
 * keep it like a secret. The password's UTF-8 bytes are used as typed (no normalisation), as ykman does.
 */
export function deriveAccessKey(password: string, salt: Uint8Array): Uint8Array {
  return new Uint8Array(pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, ACCESS_KEY_SIZE, 'sha1'));
}

export function hmacSha1(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha1', key).update(message).digest());
}

/** Compares the key's VALIDATE answer with ours in constant time: it proves the key knows the password. */
export function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** ykman's device id for a salt: base64(SHA-256(salt)[:16]) without `=`. */
export function deviceIdForSalt(salt: Uint8Array): string {
  return createHash('sha256').update(salt).digest().subarray(0, 16).toString('base64').replace(/=+$/u, '');
}
