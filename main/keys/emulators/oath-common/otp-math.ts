import { createHmac } from 'node:crypto';

/**
 * The arithmetic an OATH key does on its side (RFC 4226/6238 as both protocol sheets describe it):
 * an HMAC of whatever challenge the host sends, and the 31-bit dynamic truncation the key returns
 * (the host reduces it mod 10^digits itself).
 */
export type OathAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

const NODE_NAME: Record<OathAlgorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/** Low nibble of the type|algorithm byte, shared by YKOATH and the NK3 Secrets App. */
export const ALGORITHM_CODE: Record<OathAlgorithm, number> = { SHA1: 0x01, SHA256: 0x02, SHA512: 0x03 };

export function algorithmFromCode(code: number): OathAlgorithm | null {
  if (code === 0x01) return 'SHA1';
  if (code === 0x02) return 'SHA256';
  if (code === 0x03) return 'SHA512';
  return null;
}

/** HMAC block size: a longer key must have been hashed by the host (sheet trap 12). */
export const BLOCK_SIZE: Record<OathAlgorithm, number> = { SHA1: 64, SHA256: 64, SHA512: 128 };

export function hmac(algorithm: OathAlgorithm, key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac(NODE_NAME[algorithm], key).update(message).digest());
}

/** RFC 4226 §5.3 dynamic truncation, top bit cleared: the 4 bytes of a `76` answer. */
export function truncate31(mac: Uint8Array): Uint8Array {
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const value = Uint8Array.from(mac.subarray(offset, offset + 4));
  value[0] = (value[0] ?? 0) & 0x7f;
  return value;
}

/** An HOTP moving factor as the 8-byte big-endian message the HMAC takes. */
export function counterMessage(counter: number): Uint8Array {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  return new Uint8Array(message);
}
