import { z } from 'zod';
import { ALGORITHMS, LIMITS, OTP_TYPES, type Account, type AccountMeta } from '../../shared/account.js';
import { LABEL_PAD_BLOCK } from './format.js';
import type { Sodium } from './sodium.js';

/** What `meta_ct` holds: everything a listing needs, and nothing secret. */
const entryMetaSchema = z.object({
  v: z.literal(1),
  type: z.enum(OTP_TYPES),
  issuer: z.string(),
  label: z.string(),
  algorithm: z.enum(ALGORITHMS),
  digits: z.number().int(),
  period: z.number().int().optional(),
  counter: z.string().regex(/^\d{1,20}$/).optional(),
  icon: z.string().optional(),
  tags: z.array(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type EntryMeta = z.infer<typeof entryMetaSchema>;

/** What `extra_ct` holds: opened only on request, never for a listing. */
const entryExtraSchema = z.object({
  note: z.string().optional(),
  recoveryCodes: z.array(z.object({ code: z.string(), used: z.boolean() })).optional(),
});
export type EntryExtra = z.infer<typeof entryExtraSchema>;

export type { AccountMeta };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** JSON padded to 64-byte blocks, so a ciphertext's length does not tell a label's. */
export function encodePadded(sodium: Sodium, value: unknown): Uint8Array {
  return sodium.pad(encoder.encode(JSON.stringify(value)), LABEL_PAD_BLOCK);
}

function decodePadded(bytes: Uint8Array): unknown {
  return JSON.parse(decoder.decode(unpad(bytes))) as unknown;
}

/**
 * Removes sodium.pad's ISO/IEC 7816-4 padding (0x80 then zeros), in JS: the wasm call per row cost
 * as much as the decryption itself. Throws on malformed padding, like sodium.unpad.
 */
function unpad(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0 || bytes.length % LABEL_PAD_BLOCK !== 0) throw new Error('bad padding');
  let end = bytes.length - 1;
  while (end > 0 && bytes[end] === 0) end--;
  if (bytes[end] !== 0x80 || bytes.length - end > LABEL_PAD_BLOCK) throw new Error('bad padding');
  return bytes.subarray(0, end);
}

export function metaOf(account: AccountMeta): EntryMeta {
  return {
    v: 1,
    type: account.type,
    issuer: account.issuer,
    label: account.label,
    algorithm: account.algorithm,
    digits: account.digits,
    ...(account.type === 'hotp' ? { counter: account.counter.toString() } : { period: account.period }),
    ...(account.icon === undefined ? {} : { icon: account.icon }),
    tags: account.tags,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

function looksLikeMeta(value: unknown): value is EntryMeta {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['v'] === 1 &&
    (v['type'] === 'totp' || v['type'] === 'hotp' || v['type'] === 'steam') &&
    typeof v['issuer'] === 'string' &&
    typeof v['label'] === 'string' &&
    (v['algorithm'] === 'SHA1' || v['algorithm'] === 'SHA256' || v['algorithm'] === 'SHA512') &&
    Number.isInteger(v['digits']) &&
    (v['period'] === undefined || Number.isInteger(v['period'])) &&
    (v['counter'] === undefined || (typeof v['counter'] === 'string' && /^\d{1,20}$/.test(v['counter']))) &&
    (v['icon'] === undefined || typeof v['icon'] === 'string') &&
    Array.isArray(v['tags']) &&
    v['tags'].every((tag) => typeof tag === 'string') &&
    typeof v['createdAt'] === 'number' &&
    typeof v['updatedAt'] === 'number'
  );
}

export function extraOf(account: Pick<Account, 'note' | 'recoveryCodes'>): EntryExtra | undefined {
  if (account.note === undefined && account.recoveryCodes === undefined) return undefined;
  return {
    ...(account.note === undefined ? {} : { note: account.note }),
    ...(account.recoveryCodes === undefined ? {} : { recoveryCodes: account.recoveryCodes }),
  };
}

/** Decodes an opened `meta_ct`; null when the bytes are not a meta record we wrote. */
export function decodeMeta(id: string, bytes: Uint8Array): AccountMeta | null {
  let parsed: EntryMeta;
  try {
    const value = decodePadded(bytes);
    // The row was authenticated, so this is our own record: a cheap shape check keeps listings of
    // thousands fast, and only a record that fails it pays for zod's full parse (and is refused).
    parsed = looksLikeMeta(value) ? value : entryMetaSchema.parse(value);
  } catch {
    return null;
  }
  // Plain object literals, one shape per type: spreads here cost more than the JSON parse itself.
  let meta: AccountMeta;
  switch (parsed.type) {
    case 'hotp':
      meta = { id, type: 'hotp', issuer: parsed.issuer, label: parsed.label, algorithm: parsed.algorithm, digits: parsed.digits, counter: BigInt(parsed.counter ?? '0'), tags: parsed.tags, createdAt: parsed.createdAt, updatedAt: parsed.updatedAt };
      break;
    case 'steam':
      meta = { id, type: 'steam', issuer: parsed.issuer, label: parsed.label, algorithm: 'SHA1', digits: LIMITS.steamDigits, period: parsed.period ?? 30, tags: parsed.tags, createdAt: parsed.createdAt, updatedAt: parsed.updatedAt };
      break;
    case 'totp':
      meta = { id, type: 'totp', issuer: parsed.issuer, label: parsed.label, algorithm: parsed.algorithm, digits: parsed.digits, period: parsed.period ?? 30, tags: parsed.tags, createdAt: parsed.createdAt, updatedAt: parsed.updatedAt };
      break;
  }
  if (parsed.icon !== undefined) (meta as { icon?: string }).icon = parsed.icon;
  return meta;
}

export function decodeExtra(bytes: Uint8Array): EntryExtra | null {
  try {
    return entryExtraSchema.parse(decodePadded(bytes));
  } catch {
    return null;
  }
}

/** The listing-safe part of an account: no secret, no note, no recovery codes. */
export function withoutSecrets(account: Account): AccountMeta {
  const { secret: _secret, note: _note, recoveryCodes: _recoveryCodes, ...meta } = account;
  return meta;
}
