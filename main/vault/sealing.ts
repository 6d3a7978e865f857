import { concatBytes, u32be, utf8 } from './bytes.js';
import { FIELD_CODE, TABLE_CODE } from './format.js';
import type { Sodium } from './sodium.js';

export interface Sealed {
  readonly nonce: Uint8Array;
  readonly ct: Uint8Array;
}

export type TableName = keyof typeof TABLE_CODE;
export type FieldName = keyof typeof FIELD_CODE;

/** Row AD: vault, table, field, row id and revision, fixed width. A row moved anywhere fails to open. */
export function rowAssociatedData(vaultId: Uint8Array, table: TableName, field: FieldName, id: Uint8Array, rev: number): Uint8Array {
  return concatBytes([utf8('LK row v1'), vaultId, Uint8Array.of(TABLE_CODE[table]), Uint8Array.of(FIELD_CODE[field]), id, u32be(rev)]);
}

export function seal(sodium: Sodium, key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Sealed {
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
  return { nonce, ct };
}

/** The plaintext, or null when the ciphertext, nonce, key or associated data don't match. */
export function open(sodium: Sodium, key: Uint8Array, sealed: Sealed, ad: Uint8Array): Uint8Array | null {
  if (sealed.nonce.length !== sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) return null;
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed.ct, ad, sealed.nonce, key);
  } catch {
    return null;
  }
}
