import { pbkdf2, scrypt } from 'node:crypto';
import { ImportError } from './import-error.js';
import { scryptMemBytes } from './kdf-box.js';
import { importKdfQueue } from './kdf-queue.js';
import type { Argon2id, ParseOptions, Pbkdf2, Scrypt } from './types.js';

const MiB = 1024 * 1024;
const KEY_BYTES = 32;

/** scrypt off the main thread (libuv's pool). Node's default maxmem (32 MiB) is too small for Aegis's N=2^15, r=8. */
export const scryptOnPool: Scrypt = (password, salt, { n, r, p }) => {
  const maxmem = Math.max(64 * MiB, scryptMemBytes({ n, r }) + 128 * r * (p + 2) + MiB);
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N: n, r, p, maxmem }, (error, key) => {
      if (error === null) resolve(view(key));
      else reject(new ImportError('KDF_PARAMS_OUT_OF_RANGE', 'scrypt could not run with the parameters this file asks for'));
    });
  });
};

/** PBKDF2-HMAC off the main thread (libuv's pool). */
export const pbkdf2OnPool: Pbkdf2 = (password, salt, iterations, digest) =>
  new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, KEY_BYTES, digest, (error, key) => {
      if (error === null) resolve(view(key));
      else reject(error);
    });
  });

/** The key's own memory (node hands back a fresh Buffer, never a pool slice), so the caller's fill(0) wipes it. */
function view(key: Buffer): Uint8Array {
  return new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
}

export interface ImportKdfs {
  readonly scrypt: Scrypt;
  readonly pbkdf2: Pbkdf2;
  /** The caller's Argon2id, else `fallback`; undefined when neither exists. */
  argon2id(fallback?: Argon2id): Argon2id | undefined;
  /** Any other derivation, in the same queue. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * The KDFs a parser may run for one import: the ones injected through the options (the service's
 * worker, a test's spy) or node's, each call waiting its turn in the import KDF queue. A parser
 * checks its file's whole KDF plan against its box (kdf-box.ts) before the first call here.
 */
export function importKdfs(options: ParseOptions): ImportKdfs {
  const queue = options.kdfQueue ?? importKdfQueue;
  const run = <T>(task: () => Promise<T>): Promise<T> => {
    if (queue.busy) options.onProgress?.('Waiting for another import to finish deriving its key…');
    return queue.run(task);
  };
  const queued =
    <A extends unknown[]>(kdf: (...args: A) => Promise<Uint8Array>) =>
    (...args: A): Promise<Uint8Array> =>
      run(() => kdf(...args));
  const scryptKdf = options.scrypt ?? scryptOnPool;
  const pbkdf2Kdf = options.pbkdf2 ?? pbkdf2OnPool;
  return {
    scrypt: queued(scryptKdf),
    pbkdf2: queued(pbkdf2Kdf),
    argon2id: (fallback) => {
      const kdf = options.argon2id ?? fallback;
      return kdf === undefined ? undefined : queued(kdf);
    },
    run,
  };
}
