import type { Account } from '../../shared/account.js';
import { decodeExtra, decodeMeta, encodePadded, extraOf, metaOf, type AccountMeta, type EntryExtra } from './entry-codec.js';
import { open, rowAssociatedData, seal, type FieldName } from './sealing.js';
import type { Sodium } from './sodium.js';

export interface EntryRow {
  readonly id: Uint8Array;
  readonly rev: number;
  readonly position: number;
  readonly meta_nonce: Uint8Array;
  readonly meta_ct: Uint8Array;
  readonly seed_nonce: Uint8Array;
  readonly seed_ct: Uint8Array;
  readonly extra_nonce: Uint8Array | null;
  readonly extra_ct: Uint8Array | null;
}

/** Where sealing happens: the vault id and the row key, fixed for one unlocked session. */
export interface SealContext {
  readonly sodium: Sodium;
  readonly vaultId: Uint8Array;
  readonly rowKey: Uint8Array;
}

export function sealEntry(ctx: SealContext, id: Uint8Array, rev: number, position: number, account: Account): EntryRow {
  const sealField = (field: FieldName, plaintext: Uint8Array) =>
    seal(ctx.sodium, ctx.rowKey, plaintext, rowAssociatedData(ctx.vaultId, 'entries', field, id, rev));
  const meta = sealField('meta', encodePadded(ctx.sodium, metaOf(account)));
  const seed = sealField('seed', account.secret);
  const extra = extraOf(account);
  const sealedExtra = extra === undefined ? undefined : sealField('extra', encodePadded(ctx.sodium, extra));
  return {
    id,
    rev,
    position,
    meta_nonce: meta.nonce,
    meta_ct: meta.ct,
    seed_nonce: seed.nonce,
    seed_ct: seed.ct,
    extra_nonce: sealedExtra?.nonce ?? null,
    extra_ct: sealedExtra?.ct ?? null,
  };
}

function openField(ctx: SealContext, row: Pick<EntryRow, 'id' | 'rev'>, field: FieldName, nonce: Uint8Array, ct: Uint8Array): Uint8Array | null {
  return open(ctx.sodium, ctx.rowKey, { nonce, ct }, rowAssociatedData(ctx.vaultId, 'entries', field, row.id, row.rev));
}

export function openMeta(ctx: SealContext, row: Pick<EntryRow, 'id' | 'rev' | 'meta_nonce' | 'meta_ct'>, idHex: string): AccountMeta | null {
  const bytes = openField(ctx, row, 'meta', row.meta_nonce, row.meta_ct);
  return bytes === null ? null : decodeMeta(idHex, bytes);
}

/** The raw seed; the caller zeroes it as soon as its one HMAC is done. */
export function openSeed(ctx: SealContext, row: Pick<EntryRow, 'id' | 'rev' | 'seed_nonce' | 'seed_ct'>): Uint8Array | null {
  return openField(ctx, row, 'seed', row.seed_nonce, row.seed_ct);
}

/** The note and recovery codes; `{}` when the row has none, null when they fail to open. */
export function openExtra(ctx: SealContext, row: Pick<EntryRow, 'id' | 'rev' | 'extra_nonce' | 'extra_ct'>): EntryExtra | null {
  if (row.extra_nonce === null || row.extra_ct === null) return {};
  const bytes = openField(ctx, row, 'extra', row.extra_nonce, row.extra_ct);
  return bytes === null ? null : decodeExtra(bytes);
}

export const INSERT_ENTRY_SQL =
  'INSERT INTO entries (id, rev, position, meta_nonce, meta_ct, seed_nonce, seed_ct, extra_nonce, extra_ct) VALUES (@id, @rev, @position, @meta_nonce, @meta_ct, @seed_nonce, @seed_ct, @extra_nonce, @extra_ct)';
export const REPLACE_ENTRY_SQL =
  'UPDATE entries SET rev = @rev, position = @position, meta_nonce = @meta_nonce, meta_ct = @meta_ct, seed_nonce = @seed_nonce, seed_ct = @seed_ct, extra_nonce = @extra_nonce, extra_ct = @extra_ct WHERE id = @id';
