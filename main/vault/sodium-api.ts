/**
 * The libsodium functions the vault and its backups use, and nothing else (SECURITY-NOTES §0). Two
 * implementations: native libsodium through sodium-native (keys in sodium_malloc'd memory: guard pages,
 * mlock, wiped and unmapped on release), and libsodium.js (wasm) where the native addon cannot load.
 * Both compute the same bytes: a vault or backup written by one opens with the other.
 *
 * Names and argument order follow libsodium.js, so the call sites read like libsodium's own docs.
 */
export type SodiumBackend = 'native' | 'wasm';

/** A secretstream's state: a native buffer or a wasm heap address, only ever handed back to the same backend. */
export type SecretstreamState = object;

export interface Sodium {
  readonly backend: SodiumBackend;
  readonly crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: number;
  readonly crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: number;
  readonly crypto_secretstream_xchacha20poly1305_TAG_FINAL: number;

  crypto_aead_xchacha20poly1305_ietf_encrypt(message: Uint8Array, ad: Uint8Array | null, secretNonce: null, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /** Throws when the ciphertext, nonce, key or associated data don't match. */
  crypto_aead_xchacha20poly1305_ietf_decrypt(secretNonce: null, ciphertext: Uint8Array, ad: Uint8Array | null, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /**
   * Decrypts into `out`, which must be exactly `ciphertext.length - 16` bytes (a secure scratch buffer,
   * so a seed never lands in an ordinary array); false, with `out` zeroed, when it does not authenticate.
   */
  crypto_aead_xchacha20poly1305_ietf_decrypt_into(out: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array | null, nonce: Uint8Array, key: Uint8Array): boolean;
  /** BLAKE2b; a string message is hashed as its UTF-8 bytes. */
  crypto_generichash(length: number, message: Uint8Array | string, key?: Uint8Array | null): Uint8Array;
  /** A subkey of `key`; with the native backend it lives in secure memory (free it with `release`). */
  crypto_kdf_derive_from_key(length: number, subkeyId: number, context: string, key: Uint8Array): Uint8Array;
  /** ISO/IEC 7816-4 padding to a multiple of `blockSize`, in a new array. */
  pad(bytes: Uint8Array, blockSize: number): Uint8Array;
  memzero(bytes: Uint8Array): void;

  crypto_secretstream_xchacha20poly1305_init_push(key: Uint8Array): { state: SecretstreamState; header: Uint8Array };
  crypto_secretstream_xchacha20poly1305_push(state: SecretstreamState, message: Uint8Array, ad: Uint8Array | null, tag: number): Uint8Array;
  crypto_secretstream_xchacha20poly1305_init_pull(header: Uint8Array, key: Uint8Array): SecretstreamState;
  /** False (it does not throw) for a forged or damaged chunk, as in libsodium.js. */
  crypto_secretstream_xchacha20poly1305_pull(state: SecretstreamState, ciphertext: Uint8Array, ad: Uint8Array | null): { message: Uint8Array; tag: number } | false;

  /** A copy of `bytes` in secure memory where the backend has it (native), else an ordinary copy. */
  secureCopy(bytes: Uint8Array): Uint8Array;
  /** Zeroes a key and, when it is in secure memory, frees it: the array is then empty (length 0). */
  release(bytes: Uint8Array): void;
  /** True when `bytes` is in sodium_malloc'd memory (tests and `vault status`). */
  isSecure(bytes: Uint8Array): boolean;
}
