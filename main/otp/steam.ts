import { counterBytes, dynamicTruncate, hmacDigest } from './hmac.js';

/** Steam Guard's alphabet: digits and consonants that can't be misread for each other. */
export const STEAM_ALPHABET = '23456789BCDFGHJKMNPQRTVWXY';
export const STEAM_CODE_LENGTH = 5;

/**
 * Steam Guard: HMAC-SHA1 over the time counter, dynamic truncation, then the 31-bit value written
 * in base 26 (least significant character first). otpauth has no Steam support, hence by hand.
 */
export function steamCode(key: Uint8Array, counter: bigint): string {
  let value = dynamicTruncate(hmacDigest('SHA1', key, counterBytes(counter)));
  let code = '';
  for (let i = 0; i < STEAM_CODE_LENGTH; i++) {
    code += STEAM_ALPHABET.charAt(value % STEAM_ALPHABET.length);
    value = Math.floor(value / STEAM_ALPHABET.length);
  }
  return code;
}
