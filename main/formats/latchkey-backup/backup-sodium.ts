/**
 * The libsodium calls a backup needs (BLAKE2b for the key check, secretstream for the chunks), as a
 * structural type: the vault's Sodium (native or wasm) and libsodium.js itself both fit it.
 */
export interface BackupSodium {
  readonly crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: number;
  readonly crypto_secretstream_xchacha20poly1305_TAG_FINAL: number;
  crypto_generichash(length: number, message: Uint8Array, key: Uint8Array | null): Uint8Array;
  crypto_secretstream_xchacha20poly1305_init_push(key: Uint8Array): { state: BackupStreamState; header: Uint8Array };
  crypto_secretstream_xchacha20poly1305_push(state: BackupStreamState, message: Uint8Array, ad: Uint8Array | null, tag: number): Uint8Array;
  crypto_secretstream_xchacha20poly1305_init_pull(header: Uint8Array, key: Uint8Array): BackupStreamState;
  /** False (it does not throw) for a forged or damaged chunk. */
  crypto_secretstream_xchacha20poly1305_pull(state: BackupStreamState, ciphertext: Uint8Array, ad: Uint8Array | null): { message: Uint8Array; tag: number } | false;
  memzero(bytes: Uint8Array): void;
}

/** Opaque: handed back to the implementation that made it. */
export type BackupStreamState = object;
