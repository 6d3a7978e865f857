import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { assertKdfParamsInBox, type KdfParams } from './kdf-params.js';

export interface DerivedKey {
  readonly key: Uint8Array;
  /** Time spent in Argon2id itself, for calibration (worker start-up not included). */
  readonly ms: number;
}

/** Derives a 32-byte key from password bytes; the caller zeroes both when done. */
export type DeriveKey = (password: Uint8Array, salt: Uint8Array, params: KdfParams) => Promise<DerivedKey>;

// Plain CommonJS run with `eval`, so the same worker works from TypeScript sources (tests), from
// dist/ and inside a packaged app, without a separate compiled worker file to find.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.sodiumPath);
sodium.ready.then(() => {
  const { password, salt, ops, mem } = workerData;
  const started = performance.now();
  const key = sodium.crypto_pwhash(32, password, salt, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
  const ms = performance.now() - started;
  password.fill(0);
  parentPort.postMessage({ key, ms }, [key.buffer]);
});
`;

const sodiumPath = createRequire(import.meta.url).resolve('libsodium-wrappers-sumo');

export interface WorkerKdfOptions {
  /** Called each time a worker is started (tests assert that refused parameters start none). */
  readonly onWorkerStart?: () => void;
}

/**
 * Argon2id in a worker thread that is ended after each use: the caller stays responsive, and the
 * wasm memory (which never shrinks) goes back to the OS with the worker.
 */
export function createWorkerKdf(options: WorkerKdfOptions = {}): DeriveKey {
  return async (password, salt, params) => {
    assertKdfParamsInBox(params);
    options.onWorkerStart?.();
    return argon2idInWorker(password, salt, params);
  };
}

/**
 * Argon2id in a fresh worker, without our vault's box: for other apps' exports (Ente's 16 passes),
 * whose own, wider box the importer checks first.
 */
export async function argon2idInWorker(password: Uint8Array, salt: Uint8Array, params: KdfParams): Promise<DerivedKey> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { sodiumPath, password, salt, ops: params.ops, mem: params.mem },
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  try {
    return await new Promise<DerivedKey>((resolve, reject) => {
      worker.once('message', (message: { key: Uint8Array; ms: number }) => {
        resolve({ key: message.key, ms: message.ms });
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`the key-derivation worker stopped early (exit ${String(code)})`));
      });
    });
  } finally {
    await worker.terminate();
  }
}
