import { performance } from 'node:perf_hooks';
import type { TotpParams } from '../../shared/account.js';
import { codeOnce, type OtpCode } from '../otp/index.js';
import { dynamicTruncate, hmacDigest } from '../otp/hmac.js';
import { toHex } from './bytes.js';
import { decodeMeta, type AccountMeta } from './entry-codec.js';
import type { SealContext } from './entry-rows.js';
import { open, rowAssociatedDataWriter } from './sealing.js';

/** One entries row as the listing statement returns it (raw mode: no object per row). */
export type ListingRow = [id: Uint8Array, rev: number, position: number, metaNonce: Uint8Array | null, metaCt: Uint8Array | null, seedNonce: Uint8Array | null, seedCt: Uint8Array | null];

/**
 * Only the columns a listing needs, never `extra_*` (notes and recovery codes are never listed):
 * the sealed meta only while the session's cache is empty (afterwards the caller reads a missing or
 * stale one by id, in the same read transaction), the sealed seed only when codes are asked for.
 */
export function listingSql(options: { metas: boolean; seeds: boolean }): string {
  return `SELECT id, rev, position, ${options.metas ? 'meta_nonce, meta_ct' : 'NULL, NULL'}, ${options.seeds ? 'seed_nonce, seed_ct' : 'NULL, NULL'} FROM entries`;
}

export interface ListedDamage {
  readonly id: string;
  readonly field: 'meta' | 'seed';
}

/** Where a listing's time went, in ms (the vault benchmark asks for it; costs a clock read per row). */
export interface ListingSplit {
  sqlMs: number;
  /** The manifest checked from the listing's own rows (first listing, or after another process wrote). */
  manifestMs: number;
  metaMs: number;
  seedOpenMs: number;
  codesMs: number;
  /** Rows whose meta came from the session's cache (same id and rev) instead of being opened. */
  metaCached: number;
}

export interface ListingPass {
  readonly accounts: AccountMeta[];
  readonly codes: Map<string, OtpCode>;
  readonly damaged: ListedDamage[];
}

/** Decoded metas of this unlocked session by id, valid for one rev; emptied on lock. */
export type MetaCache = Map<string, { rev: number; meta: AccountMeta }>;

/**
 * One pass over the rows of a listing, in list order (position, then id). Every meta that is not in
 * the cache at its rev is opened (authenticated with its row AD) and decoded; with `nowMs` every seed
 * is opened too, used for exactly one HMAC and zeroed (HOTP seeds are opened only to check them).
 */
export function listingPass(ctx: SealContext, rows: ListingRow[], cache: MetaCache, nowMs: number | undefined, split?: ListingSplit): ListingPass {
  rows.sort(byPositionThenId);
  // Each seed is decrypted into this one buffer of secure memory (sodium_malloc'd with the native
  // backend: guard pages, mlock), used for its HMAC and zeroed; the buffer is freed after the pass.
  const scratch = ctx.sodium.secureCopy(new Uint8Array(SEED_SCRATCH_BYTES));
  try {
    return pass(ctx, rows, cache, nowMs, scratch, split);
  } finally {
    ctx.sodium.release(scratch);
  }
}

/** Seeds are at most 1 KiB (importers refuse longer ones); a longer one is opened the ordinary way. */
const SEED_SCRATCH_BYTES = 1024;
const AEAD_TAG_BYTES = 16;

function pass(ctx: SealContext, rows: ListingRow[], cache: MetaCache, nowMs: number | undefined, scratch: Uint8Array, split: ListingSplit | undefined): ListingPass {
  const adFor = rowAssociatedDataWriter(ctx.vaultId, 'entries');
  const accounts: AccountMeta[] = [];
  const codes = new Map<string, OtpCode>();
  const damaged: ListedDamage[] = [];
  const seen = new Set<string>();
  const counters = new Map<number, Uint8Array>();
  let clock = split === undefined ? 0 : performance.now();
  for (const [idBytes, rev, , metaNonce, metaCt, seedNonce, seedCt] of rows) {
    const id = toHex(idBytes);
    seen.add(id);
    const cached = cache.get(id);
    let meta: AccountMeta | null;
    if (cached?.rev === rev) {
      meta = cached.meta;
      if (split !== undefined) split.metaCached++;
    } else {
      const bytes = metaNonce === null || metaCt === null ? null : open(ctx.sodium, ctx.rowKey, { nonce: metaNonce, ct: metaCt }, adFor('meta', idBytes, rev));
      meta = bytes === null ? null : decodeMeta(id, bytes);
    }
    if (split !== undefined) clock = lap(split, 'metaMs', clock);
    if (meta === null) {
      cache.delete(id);
      damaged.push({ id, field: 'meta' });
      continue;
    }
    cache.set(id, { rev, meta });
    accounts.push(meta);
    if (nowMs === undefined || seedNonce === null || seedCt === null) continue;

    const seed = openSeedInto(ctx, scratch, seedNonce, seedCt, adFor('seed', idBytes, rev));
    if (split !== undefined) clock = lap(split, 'seedOpenMs', clock);
    if (seed === null) {
      damaged.push({ id, field: 'seed' });
      continue;
    }
    try {
      if (meta.type === 'totp') codes.set(id, totpCode(meta, seed, nowMs, counters));
      else if (meta.type === 'steam') codes.set(id, codeOnce(meta, seed, nowMs));
    } finally {
      ctx.sodium.memzero(seed);
    }
    if (split !== undefined) clock = lap(split, 'codesMs', clock);
  }
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
  return { accounts, codes, damaged };
}

function openSeedInto(ctx: SealContext, scratch: Uint8Array, nonce: Uint8Array, ct: Uint8Array, ad: Uint8Array): Uint8Array | null {
  const length = ct.length - AEAD_TAG_BYTES;
  if (length < 0 || length > scratch.length) return open(ctx.sodium, ctx.rowKey, { nonce, ct }, ad);
  const seed = scratch.subarray(0, length);
  return ctx.sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_into(seed, ct, ad, nonce, ctx.rowKey) ? seed : null;
}

function lap(split: ListingSplit, field: 'metaMs' | 'seedOpenMs' | 'codesMs', since: number): number {
  const now = performance.now();
  split[field] += now - since;
  return now;
}

function byPositionThenId(a: ListingRow, b: ListingRow): number {
  return a[2] - b[2] || Buffer.compare(a[0], b[0]);
}

/**
 * RFC 6238 straight from the opened seed: one HMAC through node:crypto, no copy of the seed and no
 * generator object (otpauth's path costs about as much again per code). The counter bytes of a
 * period are shared by every account with that period; they are not secret.
 */
function totpCode(params: TotpParams, seed: Uint8Array, nowMs: number, counters: Map<number, Uint8Array>): OtpCode {
  const { period, digits, algorithm } = params;
  const step = Math.floor(nowMs / 1000 / period);
  let counter = counters.get(period);
  if (counter === undefined) {
    counter = new Uint8Array(8);
    const view = new DataView(counter.buffer);
    view.setUint32(0, Math.floor(step / 2 ** 32));
    view.setUint32(4, step >>> 0);
    counters.set(period, counter);
  }
  const value = dynamicTruncate(hmacDigest(algorithm, seed, counter));
  const validFrom = step * period;
  return { code: (value % 10 ** digits).toString().padStart(digits, '0'), validFrom, validUntil: validFrom + period };
}
