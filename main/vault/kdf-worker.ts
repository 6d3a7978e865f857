import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { assertKdfParamsInBox, type KdfParams } from './kdf-params.js';
import { VaultError } from './vault-error.js';

export interface DerivedKey {
  readonly key: Uint8Array;
  /** Time spent in Argon2id itself, for calibration (worker start-up not included). */
  readonly ms: number;
  /**
   * CPU time the process spent meanwhile, where it is measured (native Argon2id): under CPU contention
   * from other programs it stays near the derivation's own cost while `ms` grows.
   */
  readonly cpuMs?: number;
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

/** How long an import's Argon2id may run before its worker is ended (Ente's 256 MiB × 16 takes seconds). */
export const IMPORT_KDF_TIMEOUT_MS = 60_000;
/** Our own vault's ceiling (10 passes, 1 GiB) takes about 15 s in wasm here; a slow machine gets 5 minutes. */
export const VAULT_KDF_TIMEOUT_MS = 5 * 60_000;

export interface Argon2idWorkerOptions {
  /** The worker is ended and KDF_PARAMS_OUT_OF_RANGE thrown past this; IMPORT_KDF_TIMEOUT_MS by default. */
  readonly timeoutMs?: number;
}

export interface WorkerKdfOptions {
  /** Called each time a worker is started (tests assert that refused parameters start none). */
  readonly onWorkerStart?: () => void;
  /** VAULT_KDF_TIMEOUT_MS by default. */
  readonly timeoutMs?: number;
}

/**
 * Argon2id in a worker thread that is ended after each use: the caller stays responsive, and the
 * wasm memory (which never shrinks) goes back to the OS with the worker.
 */
export function createWorkerKdf(options: WorkerKdfOptions = {}): DeriveKey {
  return async (password, salt, params) => {
    assertKdfParamsInBox(params);
    options.onWorkerStart?.();
    return argon2idInWorker(password, salt, params, { timeoutMs: options.timeoutMs ?? VAULT_KDF_TIMEOUT_MS });
  };
}

/**
 * Argon2id in a fresh worker, without our vault's box: for other apps' exports (Ente's 16 passes),
 * whose own, wider box the importer checks first. A derivation still running after `timeoutMs` has
 * its worker ended (wasm stops at once; its memory goes with the thread) and fails with
 * KDF_PARAMS_OUT_OF_RANGE: parameters this machine cannot derive in time.
 */
export async function argon2idInWorker(password: Uint8Array, salt: Uint8Array, params: KdfParams, options: Argon2idWorkerOptions = {}): Promise<DerivedKey> {
  const timeoutMs = options.timeoutMs ?? IMPORT_KDF_TIMEOUT_MS;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { sodiumPath, password, salt, ops: params.ops, mem: params.mem },
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<DerivedKey>((resolve, reject) => {
      timer = setTimeout(() => {
        reject(
          new VaultError('KDF_PARAMS_OUT_OF_RANGE', `the key derivation (Argon2id, ${String(params.ops)} passes, ${String(Math.round(params.mem / 1024 ** 2))} MiB) ran past ${String(Math.round(timeoutMs / 1000))} s and was stopped`, {
            ops: params.ops,
            mem: params.mem,
            timeoutMs,
          }),
        );
      }, timeoutMs);
      worker.once('message', (message: { key: Uint8Array; ms: number }) => {
        resolve({ key: message.key, ms: message.ms });
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`the key-derivation worker stopped early (exit ${String(code)})`));
      });
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
