import type wrappers from 'libsodium-wrappers-sumo';
import type { SecretstreamState, Sodium } from './sodium-api.js';

type Wrappers = typeof wrappers;
type StreamAddress = ReturnType<Wrappers['crypto_secretstream_xchacha20poly1305_init_pull']>;

/**
 * libsodium.js (the sumo build: the plain one has no Argon2id), the fallback where sodium-native's
 * addon cannot load. Its wasm heap keeps copies of keys after `free` (SECURITY-NOTES §0), and there is
 * no secure memory: `secureCopy` is an ordinary copy and `release` only zeroes.
 */
export async function wasmSodium(): Promise<Sodium> {
  const { default: sodium } = await import('libsodium-wrappers-sumo');
  await sodium.ready;
  return {
    backend: 'wasm',
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL: sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL,

    crypto_aead_xchacha20poly1305_ietf_encrypt: (message, ad, secretNonce, nonce, key) => sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(message, ad, secretNonce, nonce, key),
    crypto_aead_xchacha20poly1305_ietf_decrypt: (secretNonce, ciphertext, ad, nonce, key) => sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(secretNonce, ciphertext, ad, nonce, key),
    crypto_aead_xchacha20poly1305_ietf_decrypt_into: (out, ciphertext, ad, nonce, key) => {
      let message: Uint8Array;
      try {
        message = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key);
      } catch {
        sodium.memzero(out);
        return false;
      }
      const fits = message.length === out.length;
      if (fits) out.set(message);
      else sodium.memzero(out);
      sodium.memzero(message);
      return fits;
    },
    crypto_generichash: (length, message, key) => sodium.crypto_generichash(length, message, key ?? null),
    crypto_kdf_derive_from_key: (length, subkeyId, context, key) => sodium.crypto_kdf_derive_from_key(length, subkeyId, context, key),
    pad: (bytes, blockSize) => sodium.pad(bytes, blockSize),
    memzero: (bytes) => {
      sodium.memzero(bytes);
    },

    crypto_secretstream_xchacha20poly1305_init_push: (key) => sodium.crypto_secretstream_xchacha20poly1305_init_push(key),
    crypto_secretstream_xchacha20poly1305_push: (state, message, ad, tag) => sodium.crypto_secretstream_xchacha20poly1305_push(address(state), message, ad, tag),
    crypto_secretstream_xchacha20poly1305_init_pull: (header, key) => sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key),
    // libsodium.js throws on a chunk shorter than its tag instead of returning false: same answer as native.
    crypto_secretstream_xchacha20poly1305_pull: (state, ciphertext, ad) =>
      ciphertext.length < sodium.crypto_secretstream_xchacha20poly1305_ABYTES ? false : sodium.crypto_secretstream_xchacha20poly1305_pull(address(state), ciphertext, ad),

    secureCopy: (bytes) => new Uint8Array(bytes),
    release: (bytes) => {
      sodium.memzero(bytes);
    },
    isSecure: () => false,
  };
}

function address(state: SecretstreamState): StreamAddress {
  return state as StreamAddress;
}
