import { KDF_CONTEXT, SUBKEY_MANIFEST, SUBKEY_ROWS } from './format.js';
import type { Sodium } from './sodium.js';

/**
 * The master key and the subkeys made from it. MK itself never encrypts data. With the native backend
 * all three live in sodium_malloc'd memory (guard pages, mlock) until zeroKeys frees them.
 */
export interface VaultKeys {
  readonly master: Uint8Array;
  readonly rows: Uint8Array;
  readonly manifest: Uint8Array;
}

/** Takes the master key into secure memory (the array given is zeroed) and derives the subkeys there. */
export function deriveVaultKeys(sodium: Sodium, master: Uint8Array): VaultKeys {
  const secureMaster = sodium.secureCopy(master);
  sodium.memzero(master);
  return {
    master: secureMaster,
    rows: sodium.crypto_kdf_derive_from_key(32, SUBKEY_ROWS, KDF_CONTEXT, secureMaster),
    manifest: sodium.crypto_kdf_derive_from_key(32, SUBKEY_MANIFEST, KDF_CONTEXT, secureMaster),
  };
}

/** Zeroes the keys and frees their secure memory: the arrays are empty afterwards (native backend). */
export function zeroKeys(sodium: Sodium, keys: VaultKeys): void {
  sodium.release(keys.master);
  sodium.release(keys.rows);
  sodium.release(keys.manifest);
}
