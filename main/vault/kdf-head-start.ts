import Database from 'better-sqlite3';
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createVaultKdf, argon2idNative } from './kdf.js';
import { assertKdfParamsInBox, type KdfParams } from './kdf-params.js';
import type { DeriveKey, DerivedKey } from './kdf-worker.js';
import { passwordBytes } from './password.js';
import { nativeSodium, sodiumNativeAddon, type SodiumNativeAddon } from './sodium-native.js';
import { readCheckedHeader } from './vault-file.js';

/**
 * Issue 14: `latchkey code QUERY` costs Argon2id and little more. The CLI's entry starts the vault's
 * Argon2id here, before its own modules load (the contract, the service, commander: ~80 ms), so the
 * derivation runs on libuv's pool while they load on the main thread. The unlock later asks its KDF
 * for exactly these inputs and gets this derivation; anything else (another password, changed slots)
 * gets a derivation of its own, as without a head start.
 *
 * It is speculative and decides nothing: the unlock still runs every check before it asks for the
 * key (header sum, schema, the wait after failed attempts), and the key is only handed to it. So that
 * no derivation runs while the vault makes the user wait (SECURITY-NOTES §6), there is no head start
 * when the attempts sidecar holds anything. The module loads nothing with zod in it (it runs first).
 */
export interface KdfHeadStart {
  /** The vault's KDF for this process: the head start's key for its own inputs, once; the usual KDF otherwise. */
  readonly deriveKey: DeriveKey;
  /** Waits for a derivation nobody took and zeroes it (and the password bytes); call before exiting. */
  settle(): Promise<void>;
}

export interface HeadStartOptions {
  /** LATCHKEY_SODIUM is read from it (process.env by default). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The head start's own derivation: native Argon2id (tests count its calls). */
  readonly derive?: DeriveKey;
  /** The KDF for any other inputs: createVaultKdf() by default, as the service's vault host has it. */
  readonly usual?: DeriveKey;
}

interface Derivation {
  readonly password: Uint8Array;
  readonly salt: Uint8Array;
  readonly params: KdfParams;
  readonly result: Promise<DerivedKey>;
}

/**
 * Starts Argon2id for the vault's one plain password slot in native libsodium, or nothing (undefined)
 * when the inputs can't be told exactly or should not be used yet: the wasm backend asked for
 * (LATCHKEY_SODIUM=wasm) or no native addon, no readable vault or one the unlock would refuse as
 * damaged (before any KDF), not exactly one plain password slot,
 * parameters outside the box, failed attempts on record. What is wrong is for the command to say, as
 * it would without a head start; nothing is thrown.
 */
export function startKdfHeadStart(vaultPath: string, password: string, options: HeadStartOptions = {}): KdfHeadStart | undefined {
  const { env = process.env, derive = argon2idNative } = options;
  if ((env['LATCHKEY_SODIUM'] ?? '').trim().toLowerCase() === 'wasm') return undefined;
  let derivation: Derivation;
  let zeroKey: (key: Uint8Array) => void;
  try {
    if (failedAttemptsOnRecord(vaultPath)) return undefined;
    const native = sodiumNativeAddon();
    const slot = plainPasswordSlot(vaultPath, native);
    if (slot === undefined) return undefined;
    const params = { ops: slot.ops, mem: slot.mem };
    assertKdfParamsInBox(params);
    zeroKey = (key) => {
      native.sodium_memzero(key);
    };
    const bytes = passwordBytes(password);
    derivation = { password: bytes, salt: slot.salt, params, result: derive(bytes, slot.salt, params) };
  } catch {
    return undefined;
  }

  let pending: Derivation | undefined = derivation;
  let usual: DeriveKey | undefined;
  let finished: Promise<void> | undefined;
  /** The derivation's end: its password bytes zeroed, and the key too when nobody took it. */
  const finish = (taken: boolean): Promise<void> =>
    derivation.result.then(
      ({ key }) => {
        derivation.password.fill(0);
        if (!taken) zeroKey(key);
      },
      () => {
        derivation.password.fill(0);
      },
    );

  return {
    deriveKey: (password, salt, params) => {
      const early = pending;
      pending = undefined;
      if (early !== undefined) {
        const same = bytesMatch(password, early.password) && bytesMatch(salt, early.salt) && params.ops === early.params.ops && params.mem === early.params.mem;
        finished = finish(same);
        if (same) return early.result;
      }
      usual ??= options.usual ?? createVaultKdf();
      return usual(password, salt, params);
    },
    settle: async () => {
      if (pending !== undefined) {
        pending = undefined;
        finished = finish(false);
      }
      await finished;
    },
  };
}

function bytesMatch(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The failed-unlock sidecar, named as attempts.ts names it (a test holds the two together); not
 * imported from there, which would load zod before the KDF starts.
 */
export const attemptsSidecarOf = (vaultPath: string): string => `${vaultPath}.attempts`;

/** Any failed unlock on record (a wait may be due): the unlock evaluates that first, with no KDF running. */
function failedAttemptsOnRecord(vaultPath: string): boolean {
  const sidecar = attemptsSidecarOf(vaultPath);
  if (!existsSync(sidecar)) return false;
  try {
    return readFileSync(sidecar, 'utf8').trim() !== '{}';
  } catch {
    return true;
  }
}

/**
 * The vault's plain password slot, when it has exactly one, read through the checks the unlock runs
 * before its KDF (magic, format, schema, header sum: readCheckedHeader). A vault the unlock refuses as
 * damaged gets no derivation here either: one would cost the damaged slot's Argon2id (up to the box's
 * 1 GiB) before the refusal, and the CLI would wait for it to end (SECURITY-NOTES §8's budget).
 */
function plainPasswordSlot(vaultPath: string, native: SodiumNativeAddon): { salt: Uint8Array; ops: number; mem: number } | undefined {
  const db = new Database(vaultPath, { readonly: true, fileMustExist: true });
  try {
    const passwordSlots = readCheckedHeader(nativeSodium(native), db, vaultPath).slots.filter((slot) => slot.kind === 'password');
    const [slot] = passwordSlots;
    if (passwordSlots.length !== 1 || slot === undefined || typeof slot.ops !== 'number' || typeof slot.mem !== 'number') return undefined;
    return { salt: slot.salt, ops: slot.ops, mem: slot.mem };
  } finally {
    db.close();
  }
}
