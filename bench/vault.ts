import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AccountDraft } from '../shared/account.js';
import { createVault, createVaultKdf, KDF_FLOOR, loadSodium, unlockVault, type DeriveKey, type KdfParams, type ListingSplit, type VaultRuntime } from '../main/vault/index.js';
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

function drafts(count: number): AccountDraft[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: `Service ${String(i)}`, label: `user${String(i)}@example.com`, secret: randomBytes(20) }));
}

/** A 10,000-account vault: open after the key is derived, then list every account with its code. */
async function benchLargeVault(dir: string): Promise<BenchRow[]> {
  const sodium = await loadSodium();
  const runtime: VaultRuntime = { sodium, deriveKey: memoised(createVaultKdf({ sodium })), kdf: KDF_FLOOR satisfies KdfParams, clock };
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
  const unlockTimes: number[] = [];
  const cpuTimes: number[] = [];
  let listed = 0;
  for (let i = 0; i < 7; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const session = await unlockVault(path, { password: 'benchmark password' }, runtime);
    unlockTimes.push(performance.now() - start);
    const { accounts, codes } = session.listWithCodes(Date.now());
    listed = accounts.filter((account) => codes.has(account.id)).length;
    openTimes.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
    session.lock();
  }
  // Where the time goes, on separate runs (the split reads the clock around each row's steps).
  const splits: ListingSplit[] = [];
  const refreshTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const session = await unlockVault(path, { password: 'benchmark password' }, runtime);
    const split: ListingSplit = { sqlMs: 0, manifestMs: 0, metaMs: 0, seedOpenMs: 0, codesMs: 0, metaCached: 0 };
    session.listWithCodes(Date.now(), split);
    splits.push(split);
    const start = performance.now();
    session.listWithCodes(Date.now());
    refreshTimes.push(performance.now() - start);
    session.lock();
  }
  const part = (field: 'sqlMs' | 'manifestMs' | 'metaMs' | 'seedOpenMs' | 'codesMs') => median(splits.map((split) => split[field])).toFixed(0);
  return [
    {
      name: 'open a 10,000-account vault and list all codes',
      figure: `${median(openTimes).toFixed(0)} ms`,
      peer: 'target 150 ms',
      ratio: `${(median(openTimes) / 150).toFixed(2)}×`,
      note: `median of 7, after key derivation; ${String(listed)} codes; CPU time ${median(cpuTimes).toFixed(0)} ms (the machine is shared: wall time varies with its load); open (header, schema) ${median(unlockTimes).toFixed(0)} ms; listing: SQLite read ${part('sqlMs')} ms, manifest checked from the same rows ${part('manifestMs')} ms, metas opened and decoded ${part('metaMs')} ms, seeds opened ${part('seedOpenMs')} ms, codes ${part('codesMs')} ms; vault built in one transaction in ${buildMs.toFixed(0)} ms`,
    },
    {
      name: 'list all codes again, same session (10,000 accounts)',
      figure: `${median(refreshTimes).toFixed(0)} ms`,
      peer: '',
      ratio: '',
      note: 'metas from the session cache (same id and rev: neither read nor opened); seeds read and opened again, one HMAC each',
    },
    { name: 'add one account (committed, fsynced)', figure: `${median(addTimes).toFixed(1)} ms`, peer: '', ratio: '', note: 'median of 41, synchronous=FULL, WAL' },
  ];
}

export async function benchVault(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  try {
    return await benchLargeVault(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
