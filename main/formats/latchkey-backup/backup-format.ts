import { z } from 'zod';
import { ALGORITHMS, OTP_TYPES } from '../../../shared/account.js';

/**
 * Our backup file, `.lkbak` (SECURITY-NOTES §7):
 *   "LKBACKUP" | version u16 LE | header length u32 LE (≤ 4096) | header (canonical JSON)
 *   | secretstream header (24) | chunks: u32 LE length ‖ secretstream ciphertext … last tagged FINAL
 * The first chunk's associated data is every byte before it, so the header is authenticated.
 */
export const MAGIC = 'LKBACKUP';
export const BACKUP_VERSION = 1;
export const MAX_HEADER_BYTES = 4096;
export const CHUNK_PLAINTEXT_BYTES = 64 * 1024;
/** A chunk on disk is its plaintext plus secretstream's 17 bytes; anything longer is refused unread. */
export const MAX_CHUNK_BYTES = CHUNK_PLAINTEXT_BYTES + 17;
export const PRELUDE_FIXED_BYTES = 8 + 2 + 4;
export const STREAM_HEADER_BYTES = 24;

/**
 * The header. `check` (a keyed BLAKE2b of a constant) is our addition to §7: it tells a wrong
 * password from a damaged first chunk, which the stream alone cannot.
 */
export const backupHeaderSchema = z.strictObject({
  kdf: z.literal('argon2id13'),
  ops: z.number().int(),
  mem: z.number().int(),
  salt: z.string().regex(/^[A-Za-z0-9+/]{22}==$/),
  check: z.string().regex(/^[A-Za-z0-9+/]{22}==$/),
  app: z.string().max(64),
});
export type BackupHeader = z.infer<typeof backupHeaderSchema>;

/** One account in the backup's plaintext: every field round-trips. */
export const backupEntrySchema = z.strictObject({
  type: z.enum(OTP_TYPES),
  issuer: z.string().max(256),
  label: z.string().max(256),
  secret: z.string().regex(/^[A-Z2-7]+$/).max(2048),
  algorithm: z.enum(ALGORITHMS),
  digits: z.number().int(),
  period: z.number().int().optional(),
  counter: z.string().regex(/^\d{1,20}$/).optional(),
  tags: z.array(z.string().max(256)).max(32),
  icon: z.string().max(256).optional(),
  note: z.string().max(65_536).optional(),
  recoveryCodes: z.array(z.strictObject({ code: z.string().max(256), used: z.boolean() })).max(256).optional(),
  createdAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
});
export type BackupEntry = z.infer<typeof backupEntrySchema>;

/**
 * An entry on its way into a backup or export: the seed still bytes (SECURITY-NOTES §3: seeds
 * become text only at the moment they are written, and the bytes can be zeroed after).
 */
export type SeededEntry = Omit<BackupEntry, 'secret'> & { readonly secret: Uint8Array };

/** The plaintext is one JSON document written a line at a time, so it can be read a line at a time. */
export const PLAINTEXT_OPENING = '{"format":"latchkey-export","version":1,"entries":[\n';
export const PLAINTEXT_CLOSING = ']}\n';
