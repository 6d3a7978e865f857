import sodium from 'libsodium-wrappers-sumo';

/** libsodium's sumo build: the plain build has no crypto_pwhash, so no Argon2id. */
export type Sodium = typeof sodium;

let ready: Promise<Sodium> | undefined;

export function loadSodium(): Promise<Sodium> {
  ready ??= sodium.ready.then(() => sodium);
  return ready;
}
