import { createRequire } from 'node:module';
import type { SecretstreamState, Sodium } from './sodium-api.js';

/** The part of sodium-native (v5, N-API) the vault uses; it ships no types of its own. */
export interface SodiumNativeAddon {
  readonly crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: number;
  readonly crypto_aead_xchacha20poly1305_ietf_ABYTES: number;
  readonly crypto_secretstream_xchacha20poly1305_STATEBYTES: number;
  readonly crypto_secretstream_xchacha20poly1305_HEADERBYTES: number;
  readonly crypto_secretstream_xchacha20poly1305_ABYTES: number;
  readonly crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: number;
  readonly crypto_secretstream_xchacha20poly1305_TAG_FINAL: number;
  readonly crypto_pwhash_ALG_ARGON2ID13: number;
  readonly crypto_generichash_BYTES_MIN: number;
  readonly crypto_generichash_STATEBYTES: number;
  sodium_malloc(size: number): Uint8Array & { secure?: boolean };
  sodium_free(buffer: Uint8Array): void;
  sodium_memzero(buffer: Uint8Array): void;
  sodium_pad(buffer: Uint8Array, unpaddedLength: number, blockSize: number): number;
  crypto_aead_xchacha20poly1305_ietf_encrypt(c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array): number;
  crypto_aead_xchacha20poly1305_ietf_decrypt(m: Uint8Array, nsec: null, c: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): number;
  crypto_generichash(output: Uint8Array, input: Uint8Array, key?: Uint8Array): void;
  crypto_generichash_init(state: Uint8Array, key: Uint8Array | undefined, outputLength: number): void;
  crypto_generichash_update(state: Uint8Array, input: Uint8Array): void;
  crypto_generichash_final(state: Uint8Array, output: Uint8Array): void;
  crypto_kdf_derive_from_key(subkey: Uint8Array, subkeyId: number, ctx: Uint8Array, key: Uint8Array): void;
  crypto_secretstream_xchacha20poly1305_init_push(state: Uint8Array, header: Uint8Array, k: Uint8Array): void;
  crypto_secretstream_xchacha20poly1305_push(state: Uint8Array, c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, tag: number): number;
  crypto_secretstream_xchacha20poly1305_init_pull(state: Uint8Array, header: Uint8Array, k: Uint8Array): void;
  crypto_secretstream_xchacha20poly1305_pull(state: Uint8Array, m: Uint8Array, tag: Uint8Array, c: Uint8Array, ad: Uint8Array | null): number;
  crypto_pwhash_async(out: Uint8Array, password: Uint8Array, salt: Uint8Array, ops: number, mem: number, alg: number): Promise<void>;
  crypto_pwhash(out: Uint8Array, password: Uint8Array, salt: Uint8Array, ops: number, mem: number, alg: number): void;
}

let addon: SodiumNativeAddon | undefined;

/** sodium-native itself; throws when its prebuilt addon does not load on this platform. */
export function sodiumNativeAddon(): SodiumNativeAddon {
  addon ??= createRequire(import.meta.url)('sodium-native') as SodiumNativeAddon;
  return addon;
}

const encoder = new TextEncoder();

/** Secretstream state lives in secure memory too: it holds the stream's key. */
interface NativeStreamState {
  readonly bytes: Uint8Array;
}

function streamBytes(state: SecretstreamState): Uint8Array {
  return (state as NativeStreamState).bytes;
}

/**
 * libsodium through sodium-native. Outputs are fresh Uint8Arrays (never pooled Buffer slices:
 * SECURITY-NOTES §3); subkeys and secure copies are sodium_malloc'd, and `release` zeroes and frees them.
 */
export function nativeSodium(native: SodiumNativeAddon = sodiumNativeAddon()): Sodium {
  const secure = (length: number): Uint8Array => native.sodium_malloc(length);
  const isSecure = (bytes: Uint8Array): boolean => (bytes as { secure?: boolean }).secure === true;
  const abytes = native.crypto_aead_xchacha20poly1305_ietf_ABYTES;
  return {
    backend: 'native',
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: native.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: native.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL: native.crypto_secretstream_xchacha20poly1305_TAG_FINAL,

    crypto_aead_xchacha20poly1305_ietf_encrypt(message, ad, _secretNonce, nonce, key) {
      const ciphertext = new Uint8Array(message.length + abytes);
      native.crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext, message, ad, null, nonce, key);
      return ciphertext;
    },
    crypto_aead_xchacha20poly1305_ietf_decrypt(_secretNonce, ciphertext, ad, nonce, key) {
      if (ciphertext.length < abytes) throw new Error('ciphertext cannot be decrypted using that key');
      const message = new Uint8Array(ciphertext.length - abytes);
      native.crypto_aead_xchacha20poly1305_ietf_decrypt(message, null, ciphertext, ad, nonce, key);
      return message;
    },
    crypto_aead_xchacha20poly1305_ietf_decrypt_into(out, ciphertext, ad, nonce, key) {
      if (ciphertext.length < abytes || out.length !== ciphertext.length - abytes || nonce.length !== native.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) {
        native.sodium_memzero(out);
        return false;
      }
      try {
        native.crypto_aead_xchacha20poly1305_ietf_decrypt(out, null, ciphertext, ad, nonce, key);
        return true;
      } catch {
        native.sodium_memzero(out);
        return false;
      }
    },
    crypto_generichash(length, message, key) {
      const output = new Uint8Array(length);
      const input = typeof message === 'string' ? encoder.encode(message) : message;
      if (length >= native.crypto_generichash_BYTES_MIN) {
        native.crypto_generichash(output, input, key ?? undefined);
        return output;
      }
      // sodium-native's one-shot call refuses outputs under 16 bytes, which libsodium itself allows
      // (the recovery key's 3-byte check); the streaming calls take any length from 1 to 64.
      const state = new Uint8Array(native.crypto_generichash_STATEBYTES);
      try {
        native.crypto_generichash_init(state, key ?? undefined, length);
        native.crypto_generichash_update(state, input);
        native.crypto_generichash_final(state, output);
      } finally {
        native.sodium_memzero(state);
      }
      return output;
    },
    crypto_kdf_derive_from_key(length, subkeyId, context, key) {
      const subkey = secure(length);
      native.crypto_kdf_derive_from_key(subkey, subkeyId, encoder.encode(context), key);
      return subkey;
    },
    pad(bytes, blockSize) {
      const padded = new Uint8Array(bytes.length + blockSize - (bytes.length % blockSize));
      padded.set(bytes);
      const length = native.sodium_pad(padded, bytes.length, blockSize);
      return length === padded.length ? padded : padded.slice(0, length);
    },
    memzero(bytes) {
      native.sodium_memzero(bytes);
    },

    crypto_secretstream_xchacha20poly1305_init_push(key) {
      const state: NativeStreamState = { bytes: secure(native.crypto_secretstream_xchacha20poly1305_STATEBYTES) };
      const header = new Uint8Array(native.crypto_secretstream_xchacha20poly1305_HEADERBYTES);
      native.crypto_secretstream_xchacha20poly1305_init_push(state.bytes, header, key);
      return { state, header };
    },
    crypto_secretstream_xchacha20poly1305_push(state, message, ad, tag) {
      const ciphertext = new Uint8Array(message.length + native.crypto_secretstream_xchacha20poly1305_ABYTES);
      native.crypto_secretstream_xchacha20poly1305_push(streamBytes(state), ciphertext, message, ad, tag);
      return ciphertext;
    },
    crypto_secretstream_xchacha20poly1305_init_pull(header, key) {
      const state: NativeStreamState = { bytes: secure(native.crypto_secretstream_xchacha20poly1305_STATEBYTES) };
      native.crypto_secretstream_xchacha20poly1305_init_pull(state.bytes, header, key);
      return state;
    },
    crypto_secretstream_xchacha20poly1305_pull(state, ciphertext, ad) {
      const abytesStream = native.crypto_secretstream_xchacha20poly1305_ABYTES;
      if (ciphertext.length < abytesStream) return false;
      const message = new Uint8Array(ciphertext.length - abytesStream);
      const tag = new Uint8Array(1);
      try {
        native.crypto_secretstream_xchacha20poly1305_pull(streamBytes(state), message, tag, ciphertext, ad);
      } catch {
        return false;
      }
      return { message, tag: tag[0] ?? -1 };
    },

    secureCopy(bytes) {
      const copy = secure(bytes.length);
      copy.set(bytes);
      return copy;
    },
    release(bytes) {
      if (bytes.byteLength === 0) return;
      native.sodium_memzero(bytes);
      if (isSecure(bytes)) native.sodium_free(bytes);
    },
    isSecure,
  };
}
