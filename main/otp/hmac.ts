import { createHmac } from 'node:crypto';
import type { Algorithm } from '../../shared/account.js';

const NODE_DIGEST: Record<Algorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/** HMAC straight through node:crypto, without the Buffer copies of otpauth's default. */
export function hmacDigest(algorithm: Algorithm, key: Uint8Array, message: Uint8Array): Uint8Array {
  return createHmac(NODE_DIGEST[algorithm], key).update(message).digest();
}

/** The 8-byte big-endian moving factor of RFC 4226, exact for the whole u64 range. */
export function counterBytes(counter: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, counter);
  return bytes;
}

/** RFC 4226 §5.3 dynamic truncation: a 31-bit number picked from the digest by its last nibble. */
export function dynamicTruncate(digest: Uint8Array): number {
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f;
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  return view.getUint32(offset) & 0x7fff_ffff;
}
