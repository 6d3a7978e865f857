import { assertKdfParamsInBox } from './kdf-params.js';
import { argon2idInWorker, VAULT_KDF_TIMEOUT_MS, type DeriveKey, type DerivedKey } from './kdf-worker.js';
import { sodiumNativeAddon } from './sodium-native.js';
import { loadSodium, type Sodium } from './sodium.js';
import type { KdfParams } from './kdf-params.js';

export interface VaultKdfOptions {
  /** The backend whose Argon2id runs: native on libuv's pool, wasm in a worker. loadSodium() by default. */
  readonly sodium?: Sodium | Promise<Sodium>;
  /** Called each time a derivation starts (tests assert that refused parameters start none). */
  readonly onStart?: (where: 'native' | 'worker') => void;
  /** The worker's limit (VAULT_KDF_TIMEOUT_MS by default); a native derivation inside the box always ends. */
  readonly timeoutMs?: number;
}

/**
 * Our vault's Argon2id, off the main thread either way (SECURITY-NOTES §1). With native libsodium it
 * is crypto_pwhash_async on libuv's thread pool: no thread or wasm to start, so unlock costs the KDF
 * and little more, and the key lands in secure memory. With the wasm fallback it is a worker thread
 * ended after each use (wasm memory never shrinks). Parameters are checked against the box first.
 */
export function createVaultKdf(options: VaultKdfOptions = {}): DeriveKey {
  const sodium = options.sodium ?? loadSodium();
  return async (password, salt, params) => {
    assertKdfParamsInBox(params);
    const backend = (await sodium).backend;
    options.onStart?.(backend === 'native' ? 'native' : 'worker');
    if (backend === 'native') return argon2idNative(password, salt, params);
    return argon2idInWorker(password, salt, params, { timeoutMs: options.timeoutMs ?? VAULT_KDF_TIMEOUT_MS });
  };
}

/**
 * Argon2id v1.3 in native libsodium on libuv's thread pool, into a sodium_malloc'd key. `ms` is the
 * derivation's own wall time, `cpuMs` the process's CPU time meanwhile. The caller keeps `password`
 * intact until this settles, then zeroes both.
 */
export async function argon2idNative(password: Uint8Array, salt: Uint8Array, params: KdfParams): Promise<DerivedKey> {
  const native = sodiumNativeAddon();
  const key = native.sodium_malloc(32);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await native.crypto_pwhash_async(key, password, salt, params.ops, params.mem, native.crypto_pwhash_ALG_ARGON2ID13);
  const cpu = process.cpuUsage(cpuBefore);
  return { key, ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
}
