import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KDF_FLOOR } from '../kdf-params.js';
import { createVaultKdf } from '../kdf.js';
import type { DeriveKey } from '../kdf-worker.js';
import { loadSodium, type SodiumBackend } from '../sodium.js';
import type { VaultRuntime } from '../runtime.js';

/**
 * Real libsodium and real Argon2id at the floor (DESIGN.md: test vaults use 2 passes, 64 MiB). The
 * derivation is memoised per (password, salt, params): harnesses unlock the same vault many times.
 */
export function memoisedKdf(
  inner: DeriveKey = createVaultKdf(),
  exported?: string,
): DeriveKey & { readonly calls: () => number; readonly exportCache: () => string } {
  const cache = new Map<string, Uint8Array>(
    Object.entries(exported === undefined ? {} : (JSON.parse(exported) as Record<string, string>)).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'hex'))]),
  );
  let calls = 0;
  const derive: DeriveKey = async (password, salt, params) => {
    calls++;
    const cacheKey = [Buffer.from(password).toString('hex'), Buffer.from(salt).toString('hex'), params.ops, params.mem].join('/');
    let key = cache.get(cacheKey);
    if (key === undefined) {
      key = (await inner(new Uint8Array(password), salt, params)).key;
      cache.set(cacheKey, key);
    }
    return { key: new Uint8Array(key), ms: 0 };
  };
  const exportCache = () => JSON.stringify(Object.fromEntries([...cache].map(([k, v]) => [k, Buffer.from(v).toString('hex')])));
  return Object.assign(derive, { calls: () => calls, exportCache });
}

export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export function testClock(start = 1_700_000_000_000): TestClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** `backend` picks the libsodium (the default: native when its addon loads, as the app does). */
export async function testRuntime(options: { clock?: TestClock; deriveKey?: DeriveKey; busyTimeoutMs?: number; backend?: SodiumBackend } = {}): Promise<VaultRuntime & { clock: TestClock }> {
  return {
    sodium: await loadSodium(options.backend === undefined ? {} : { prefer: options.backend }),
    deriveKey: options.deriveKey ?? memoisedKdf(),
    kdf: KDF_FLOOR,
    clock: options.clock ?? testClock(),
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  };
}

export function tempVaultPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'latchkey-vault-')), 'vault.sqlite');
}
