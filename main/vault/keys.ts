import { KDF_CONTEXT, SUBKEY_MANIFEST, SUBKEY_ROWS } from './format.js';
import type { Sodium } from './sodium.js';

/** The master key and the subkeys made from it. MK itself never encrypts data. */
export interface VaultKeys {
  readonly master: Uint8Array;
  readonly rows: Uint8Array;
  readonly manifest: Uint8Array;
}

export function deriveVaultKeys(sodium: Sodium, master: Uint8Array): VaultKeys {
  return {
    master,
    rows: sodium.crypto_kdf_derive_from_key(32, SUBKEY_ROWS, KDF_CONTEXT, master),
    manifest: sodium.crypto_kdf_derive_from_key(32, SUBKEY_MANIFEST, KDF_CONTEXT, master),
  };
}

export function zeroKeys(sodium: Sodium, keys: VaultKeys): void {
  sodium.memzero(keys.master);
  sodium.memzero(keys.rows);
  sodium.memzero(keys.manifest);
}
