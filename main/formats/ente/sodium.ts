import sodium from 'libsodium-wrappers-sumo';
import { LatchkeyError } from '../../../shared/errors.js';

/** libsodium's sumo build (the plain build has no crypto_pwhash). */
export type Sodium = typeof sodium;

let ready: Promise<Sodium> | undefined;

export function loadSodium(): Promise<Sodium> {
  ready ??= sodium.ready.then(() => sodium);
  return ready;
}

/**
 * Argon2id v1.3 in this process, for when the caller gave no worker (tests, the CLI): libsodium's
 * crypto_pwhash, the function Ente itself calls, so the parameters mean the same.
 */
export async function argon2idInProcess(password: Uint8Array, salt: Uint8Array, ops: number, memBytes: number): Promise<Uint8Array> {
  const lib = await loadSodium();
  try {
    return lib.crypto_pwhash(32, password, salt, ops, memBytes, lib.crypto_pwhash_ALG_ARGON2ID13);
  } catch {
    throw new LatchkeyError('INTERNAL', `Argon2id could not run with ${describeMemory(memBytes)} in this process`);
  }
}

export function describeMemory(memBytes: number): string {
  return memBytes >= 1024 ** 2 ? `${String(Math.round(memBytes / 1024 ** 2))} MiB` : `${String(Math.round(memBytes / 1024))} KiB`;
}
