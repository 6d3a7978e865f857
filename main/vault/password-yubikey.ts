import { randomBytes } from './random.js';
import type { Sodium } from './sodium.js';

/**
 * The password+YubiKey slot of SECURITY-NOTES §1. Its key-encryption key is
 * BLAKE2b-256(key = the password's Argon2id output, message = "LK pw+yk v1" ‖ HMAC-SHA1 response):
 * the response is mixed in, never compared, so a YubiKey never unlocks the vault alone and a wrong
 * key (or a wrong slot of the right key) simply fails to open the slot, as a wrong password does.
 */
export const YUBIKEY_CHALLENGE_BYTES = 32;
export const YUBIKEY_RESPONSE_BYTES = 20;

const DOMAIN = new TextEncoder().encode('LK pw+yk v1');

/**
 * One challenge-response slot of one plugged-in key, as the vault sees it: something that answers a
 * challenge (maybe after a touch). `serial` and `slot` only name it (in the record of which vault
 * slot belongs to which key, and in messages); the vault never talks to a key itself.
 */
export interface YubiKeyAnswerer {
  /** The key's serial number, or null when the key hides it. */
  readonly serial: number | null;
  readonly slot: 1 | 2;
  /** The 20-byte HMAC-SHA1 response; null when this slot turns out not to do challenge-response. */
  respond(challenge: Uint8Array): Promise<Uint8Array | null>;
}

/**
 * The plugged-in keys' challenge-response slots, one at a time in the order to try them (each answer
 * may cost a touch, so the vault stops asking once one opens the slot). No answerer at all means no
 * key is present. The vault knows nothing of keys: the service implements this over the YubiKey OTP session.
 */
export interface YubiKeyResponder {
  answerers(): AsyncIterable<YubiKeyAnswerer>;
}

/** A fresh challenge for a new slot, and at every password change (a recorded response goes stale). */
export function newYubiKeyChallenge(): Uint8Array {
  return randomBytes(YUBIKEY_CHALLENGE_BYTES);
}

export function passwordYubiKeyKek(sodium: Sodium, passwordKey: Uint8Array, response: Uint8Array): Uint8Array {
  if (response.length !== YUBIKEY_RESPONSE_BYTES) throw new RangeError(`an HMAC-SHA1 response is ${String(YUBIKEY_RESPONSE_BYTES)} bytes`);
  const message = new Uint8Array(DOMAIN.length + response.length);
  message.set(DOMAIN);
  message.set(response, DOMAIN.length);
  try {
    return sodium.crypto_generichash(32, message, passwordKey);
  } finally {
    sodium.memzero(message);
  }
}
