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

function decodePadded(sodium: Sodium, bytes: Uint8Array): unknown {
  return JSON.parse(decoder.decode(sodium.unpad(bytes, LABEL_PAD_BLOCK))) as unknown;
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

export function extraOf(account: Pick<Account, 'note' | 'recoveryCodes'>): EntryExtra | undefined {
  if (account.note === undefined && account.recoveryCodes === undefined) return undefined;
  return {
    ...(account.note === undefined ? {} : { note: account.note }),
    ...(account.recoveryCodes === undefined ? {} : { recoveryCodes: account.recoveryCodes }),
  };
}

/** Decodes an opened `meta_ct`; null when the bytes are not a meta record we wrote. */
export function decodeMeta(sodium: Sodium, id: string, bytes: Uint8Array): AccountMeta | null {
  let parsed: EntryMeta;
  try {
    parsed = entryMetaSchema.parse(decodePadded(sodium, bytes));
  } catch {
    return null;
  }
  const common = {
    id,
    issuer: parsed.issuer,
    label: parsed.label,
    tags: parsed.tags,
    createdAt: parsed.createdAt,
    updatedAt: parsed.updatedAt,
    ...(parsed.icon === undefined ? {} : { icon: parsed.icon }),
  };
  switch (parsed.type) {
    case 'hotp':
      return { ...common, type: 'hotp', algorithm: parsed.algorithm, digits: parsed.digits, counter: BigInt(parsed.counter ?? '0') };
    case 'steam':
      return { ...common, type: 'steam', algorithm: 'SHA1', digits: LIMITS.steamDigits, period: parsed.period ?? 30 };
    case 'totp':
      return { ...common, type: 'totp', algorithm: parsed.algorithm, digits: parsed.digits, period: parsed.period ?? 30 };
  }
}

export function decodeExtra(sodium: Sodium, bytes: Uint8Array): EntryExtra | null {
  try {
    return entryExtraSchema.parse(decodePadded(sodium, bytes));
  } catch {
    return null;
  }
}

/** The listing-safe part of an account: no secret, no note, no recovery codes. */
export function withoutSecrets(account: Account): AccountMeta {
  const { secret: _secret, note: _note, recoveryCodes: _recoveryCodes, ...meta } = account;
  return meta;
}
