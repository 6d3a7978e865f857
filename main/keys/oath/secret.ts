import { createHash } from 'node:crypto';
import { LatchkeyError } from '../../../shared/errors.js';
import type { OathAlgorithm } from './model.js';

/** HMAC block sizes: a longer key is hashed first (RFC 2104), so the key sees at most this (trap 12). */
const BLOCK_SIZE: Readonly<Record<OathAlgorithm, number>> = { SHA1: 64, SHA256: 64, SHA512: 128 };
const HASH: Readonly<Record<OathAlgorithm, string>> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/**
 * The secret as a key stores it, giving the same codes as the original: hashed when longer than the
 * hash's block, then zero-padded to `minLength` (14 on a YubiKey: newer firmware refuses shorter
 * keys, and HMAC pads with zeros anyway). The caller's array is never changed.
 */
export function secretForKey(secret: Uint8Array, algorithm: OathAlgorithm, minLength: number): Uint8Array {
  if (secret.length === 0) throw new LatchkeyError('ACCOUNT_INVALID', 'the secret is empty', { field: 'secret' });
  const shortened = secret.length > BLOCK_SIZE[algorithm] ? new Uint8Array(createHash(HASH[algorithm]).update(secret).digest()) : secret;
  if (shortened.length >= minLength) return Uint8Array.from(shortened);
  const padded = new Uint8Array(minLength);
  padded.set(shortened);
  return padded;
}
