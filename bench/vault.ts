import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AccountDraft } from '../shared/account.js';
import { createVault, createWorkerKdf, describeKdf, KDF_FLOOR, loadSodium, unlockVault, type DeriveKey, type KdfParams, type VaultRuntime } from '../main/vault/index.js';
import type { BenchRow } from './measure.js';

const clock = { now: () => Date.now() };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function memoised(inner: DeriveKey): DeriveKey {
  const cache = new Map<string, Uint8Array>();
  return async (password, salt, params) => {
    const key = `${Buffer.from(password).toString('hex')}/${Buffer.from(salt).toString('hex')}/${String(params.ops)}/${String(params.mem)}`;
    let derived = cache.get(key);
    if (derived === undefined) cache.set(key, (derived = (await inner(password, salt, params)).key));
    return { key: new Uint8Array(derived), ms: 0 };
  };
}

/** Unlock at the calibrated default, and libsodium-wrappers-sumo's Argon2id against sodium-native's. */
async function benchUnlock(dir: string): Promise<BenchRow[]> {
  const sodium = await loadSodium();
  const runtime: VaultRuntime = { sodium, deriveKey: createWorkerKdf(), kdf: 'calibrate', clock };
  const path = join(dir, 'calibrated.sqlite');
  const { kdf } = await createVault(path, 'benchmark password', runtime);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    (await unlockVault(path, { password: 'benchmark password' }, runtime)).lock();
    times.push(performance.now() - start);
  }
  const sumoMs = median(
    [0, 1, 2].map(() =>
      timeArgon2(() => {
        sodium.crypto_pwhash(32, 'benchmark password', new Uint8Array(16), kdf.ops, kdf.mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
      }),
    ),
  );
  const native = createRequire(import.meta.url)('sodium-native') as {
    crypto_pwhash(out: Buffer, password: Buffer, salt: Buffer, ops: number, mem: number, alg: number): void;
    crypto_pwhash_ALG_ARGON2ID13: number;
  };
  const nativeMs = median(
    [0, 1, 2].map(() =>
      timeArgon2(() => {
        native.crypto_pwhash(Buffer.alloc(32), Buffer.from('benchmark password'), Buffer.alloc(16), kdf.ops, kdf.mem, native.crypto_pwhash_ALG_ARGON2ID13);
      }),
    ),
  );
  return [
    { name: 'unlock at the calibrated default', figure: `${median(times).toFixed(0)} ms`, peer: '', ratio: '', note: `${describeKdf(kdf)} (calibrated here); worker start included` },
    {
      name: `Argon2id ${String(kdf.ops)} passes ${String(kdf.mem / 2 ** 20)} MiB`,
      figure: `${sumoMs.toFixed(0)} ms (wasm)`,
      peer: `${nativeMs.toFixed(0)} ms (sodium-native)`,
      ratio: `${(sumoMs / nativeMs).toFixed(2)}×`,
      note: 'libsodium-wrappers-sumo vs native libsodium, same parameters',
    },
  ];
}

function timeArgon2(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function drafts(count: number): AccountDraft[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: `Service ${String(i)}`, label: `user${String(i)}@example.com`, secret: randomBytes(20) }));
}

/** A 10,000-account vault: open after the key is derived, then list every account with its code. */
async function benchLargeVault(dir: string): Promise<BenchRow[]> {
  const sodium = await loadSodium();
  const runtime: VaultRuntime = { sodium, deriveKey: memoised(createWorkerKdf()), kdf: KDF_FLOOR satisfies KdfParams, clock };
  const path = join(dir, 'large.sqlite');
  await createVault(path, 'benchmark password', runtime);
  const builder = await unlockVault(path, { password: 'benchmark password' }, runtime);
  const buildStart = performance.now();
  builder.addMany(drafts(10_000));
  const buildMs = performance.now() - buildStart;

  const addTimes: number[] = [];
  for (const draft of drafts(41)) {
    const start = performance.now();
    builder.add(draft);
    addTimes.push(performance.now() - start);
  }
  builder.lock();
  await unlockVault(path, { password: 'benchmark password' }, runtime).then((session) => {
    session.lock();
  }); // warms the memoised key: what follows starts after the derivation

  const openTimes: number[] = [];
  let listed = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const session = await unlockVault(path, { password: 'benchmark password' }, runtime);
    const { accounts } = session.list();
    const { codes } = session.codesAt(Date.now());
    listed = accounts.filter((account) => codes.has(account.id)).length;
    openTimes.push(performance.now() - start);
    session.lock();
  }
  return [
    {
      name: 'open a 10,000-account vault and list all codes',
      figure: `${median(openTimes).toFixed(0)} ms`,
      peer: 'target 150 ms',
      ratio: `${(median(openTimes) / 150).toFixed(2)}×`,
      note: `after key derivation; ${String(listed)} codes; vault built in one transaction in ${buildMs.toFixed(0)} ms`,
    },
    { name: 'add one account (committed, fsynced)', figure: `${median(addTimes).toFixed(1)} ms`, peer: '', ratio: '', note: 'median of 41, synchronous=FULL, WAL' },
  ];
}

export async function benchVault(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  try {
    return [...(await benchUnlock(dir)), ...(await benchLargeVault(dir))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
