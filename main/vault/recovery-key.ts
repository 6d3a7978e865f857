import { decodeBase32, encodeBase32 } from '../otp/index.js';
import { bytesEqual, concatBytes, utf8 } from './bytes.js';
import type { Sodium } from './sodium.js';
import { VaultError } from './vault-error.js';

const SECRET_BYTES = 32;
const CHECK_BYTES = 3;

/**
 * A recovery key is 32 random bytes plus a 3-byte check, written as 56 Base32 characters in groups
 * of four. Full entropy, so no KDF is needed; the check catches a typo before any unwrap is tried.
 */
export function formatRecoveryKey(sodium: Sodium, secret: Uint8Array): string {
  const text = encodeBase32(concatBytes([secret, checkOf(sodium, secret)]));
  return text.match(/.{1,4}/g)?.join('-') ?? text;
}

export function parseRecoveryKey(sodium: Sodium, text: string): Uint8Array {
  // Base32 has no 0, 1 or 8: read them as the letters people mistake them for.
  const normalized = text.toUpperCase().replace(/[\s-]/g, '').replace(/0/g, 'O').replace(/1/g, 'I').replace(/8/g, 'B');
  const decoded = decodeBase32(normalized);
  if (!decoded.ok || decoded.bytes.length !== SECRET_BYTES + CHECK_BYTES) {
    throw new VaultError('VAULT_WRONG_PASSWORD', 'that is not a recovery key: it should be 56 letters and digits in groups of four');
  }
  const secret = decoded.bytes.slice(0, SECRET_BYTES);
  if (!bytesEqual(decoded.bytes.slice(SECRET_BYTES), checkOf(sodium, secret))) {
    throw new VaultError('VAULT_WRONG_PASSWORD', 'the recovery key has a typo: its check characters do not match');
  }
  return secret;
}

export function recoveryKek(sodium: Sodium, secret: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, utf8('LK recovery v1'), secret);
}

function checkOf(sodium: Sodium, secret: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(CHECK_BYTES, utf8('LK recovery check v1'), secret);
}
