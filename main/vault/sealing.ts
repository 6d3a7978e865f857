import { randomBytes } from './random.js';
import { concatBytes, u32be, utf8 } from './bytes.js';
import { FIELD_CODE, TABLE_CODE } from './format.js';
import type { Sodium } from './sodium.js';

export interface Sealed {
  readonly nonce: Uint8Array;
  readonly ct: Uint8Array;
}

export type TableName = keyof typeof TABLE_CODE;
export type FieldName = keyof typeof FIELD_CODE;

const ROW_AD_TAG = utf8('LK row v1');
const ROW_AD_LENGTH = ROW_AD_TAG.length + 16 + 1 + 1 + 16 + 4;

/** Row AD: vault, table, field, row id and revision, fixed width. A row moved anywhere fails to open. */
export function rowAssociatedData(vaultId: Uint8Array, table: TableName, field: FieldName, id: Uint8Array, rev: number): Uint8Array {
  if (vaultId.length !== 16 || id.length !== 16) return concatBytes([ROW_AD_TAG, vaultId, Uint8Array.of(TABLE_CODE[table], FIELD_CODE[field]), id, u32be(rev)]);
  // The fixed-width case, built in place: it runs for every field of every row in a listing.
  const ad = new Uint8Array(ROW_AD_LENGTH);
  let at = 0;
  ad.set(ROW_AD_TAG, at);
  ad.set(vaultId, (at += ROW_AD_TAG.length));
  ad[(at += 16)] = TABLE_CODE[table];
  ad[(at += 1)] = FIELD_CODE[field];
  ad.set(id, (at += 1));
  new DataView(ad.buffer).setUint32((at += 16), rev);
  return ad;
}

/**
 * Row AD for many rows of one table, written into ONE buffer that each call rewrites and returns:
 * the AD is consumed by the open before the next call, and a listing builds 20,000 of them. The
 * bytes are exactly rowAssociatedData's.
 */
export function rowAssociatedDataWriter(vaultId: Uint8Array, table: TableName): (field: FieldName, id: Uint8Array, rev: number) => Uint8Array {
  const idAt = ROW_AD_TAG.length + 16 + 2;
  const ad = new Uint8Array(ROW_AD_LENGTH);
  const view = new DataView(ad.buffer);
  ad.set(ROW_AD_TAG, 0);
  if (vaultId.length === 16) ad.set(vaultId, ROW_AD_TAG.length);
  ad[idAt - 2] = TABLE_CODE[table];
  return (field, id, rev) => {
    if (vaultId.length !== 16 || id.length !== 16) return rowAssociatedData(vaultId, table, field, id, rev);
    ad[idAt - 1] = FIELD_CODE[field];
    ad.set(id, idAt);
    view.setUint32(idAt + 16, rev);
    return ad;
  };
}

export function seal(sodium: Sodium, key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Sealed {
  const nonce = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
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
