/**
 * Which libsodium runs the vault (SECURITY-NOTES §0): native libsodium through sodium-native when its
 * addon loads, else libsodium.js (wasm). The interface both implement is in sodium-api.ts.
 */
import type { Sodium, SodiumBackend } from './sodium-api.js';

export type { SecretstreamState, Sodium, SodiumBackend } from './sodium-api.js';

export interface LoadSodiumOptions {
  /**
   * Which backend: 'native' falls back to wasm only when the addon cannot load; 'wasm' forces the
   * fallback. Default: LATCHKEY_SODIUM from the environment, else 'native'.
   */
  readonly prefer?: SodiumBackend;
  /** Loads the native implementation (tests inject one that throws, as on a platform with no prebuild). */
  readonly loadNative?: () => Promise<Sodium>;
}

export const SODIUM_BACKEND_ENV = 'LATCHKEY_SODIUM';

const loaded = new Map<SodiumBackend, Promise<Sodium>>();
let nativeProblem: string | undefined;

/** The backend to use: native libsodium when its addon loads, else libsodium.js (loaded once each). */
export function loadSodium(options: LoadSodiumOptions = {}): Promise<Sodium> {
  const prefer = options.prefer ?? preferredBackend();
  if (prefer === 'wasm') return loadWasm();
  if (options.loadNative !== undefined) return options.loadNative().catch(() => loadWasm());
  let native = loaded.get('native');
  if (native === undefined) {
    native = import('./sodium-native.js').then((module) => module.nativeSodium());
    loaded.set('native', native);
  }
  return native.catch((error: unknown) => {
    nativeProblem ??= error instanceof Error ? error.message : String(error);
    return loadWasm();
  });
}

/** Why the native addon did not load, when it did not (for diagnostics; never a secret). */
export function nativeSodiumProblem(): string | undefined {
  return nativeProblem;
}

function loadWasm(): Promise<Sodium> {
  let wasm = loaded.get('wasm');
  if (wasm === undefined) {
    wasm = import('./sodium-wasm.js').then((module) => module.wasmSodium());
    loaded.set('wasm', wasm);
  }
  return wasm;
}

function preferredBackend(): SodiumBackend {
  const value = process.env[SODIUM_BACKEND_ENV]?.trim().toLowerCase();
  return value === 'wasm' ? 'wasm' : 'native';
}
