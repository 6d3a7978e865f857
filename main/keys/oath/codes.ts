import { LatchkeyError } from '../../../shared/errors.js';
import type { OathCode } from './model.js';

/** The TOTP challenge: floor(time / period) as 8 bytes big-endian (it outgrows 32 bits of seconds, not of steps). */
export function totpChallenge(unixSeconds: number, period: number): Uint8Array {
  const step = BigInt(Math.floor(unixSeconds / period));
  const challenge = new Uint8Array(8);
  new DataView(challenge.buffer).setBigUint64(0, step, false);
  return challenge;
}

/** A code from the key's 31-bit truncated value: `mod 10^digits`, zero-padded (sheet §5 CALCULATE). */
export function codeFromTruncated(value: number, digits: number): string {
  return String((value & 0x7fffffff) % 10 ** digits).padStart(digits, '0');
}

/** RFC 4226 dynamic truncation of a full HMAC (CALCULATE with P2 = 00). */
export function truncateHmac(hmac: Uint8Array): number {
  const offset = (hmac.at(-1) ?? 0) & 0x0f;
  if (offset + 4 > hmac.length) throw new LatchkeyError('KEY_PROTOCOL', `the key's HMAC is ${String(hmac.length)} bytes, too short to truncate`);
  return new DataView(hmac.buffer, hmac.byteOffset + offset, 4).getUint32(0, false) & 0x7fffffff;
}

export function totpCode(value: number, digits: number, unixSeconds: number, period: number): OathCode {
  const start = Math.floor(unixSeconds / period) * period;
  return { value: codeFromTruncated(value, digits), digits, validFrom: start, validTo: start + period };
}

export function hotpCode(value: number, digits: number, unixSeconds: number): OathCode {
  return { value: codeFromTruncated(value, digits), digits, validFrom: Math.floor(unixSeconds), validTo: null };
}
