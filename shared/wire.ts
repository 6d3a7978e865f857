import { z } from 'zod';
import { ALGORITHMS, LIMITS, OTP_TYPES } from './account.js';
import { ERROR_CODES } from './errors.js';

/**
 * Shapes that cross a process boundary. Bytes travel as base32/base64 text and 64-bit counters as
 * decimal strings, so every transport (structured clone, a Playwright binding, JSON) carries them intact.
 */
export const decimalCounterSchema = z.string().regex(/^\d{1,20}$/, { error: 'counter must be a whole number' });
export const unixSecondsSchema = z.number().int().min(0).max(253_402_300_799); // up to year 9999

/**
 * The vault password given again by every call that yields secrets or makes a copy of them
 * (SECURITY-NOTES §9.7); its absence is named as such, not as a type error.
 */
export const vaultPasswordSchema = z.string({ error: 'the vault password is needed again (vaultPassword)' }).min(1, { error: 'the vault password is needed again (vaultPassword)' }).max(1024);

/**
 * Names a long operation, chosen by the caller (the page) so it can follow `op.progress` events and
 * send `op.cancel` before the reply comes.
 */
export const opIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** Generation parameters as a caller may give them: anything missing takes its default. */
export const otpParamsInputSchema = z.object({
  type: z.enum(OTP_TYPES, { error: 'type must be totp, hotp or steam' }).default('totp'),
  algorithm: z.string().max(16).optional(),
  digits: z.number().optional(),
  period: z.number().optional(),
  counter: decimalCounterSchema.optional(),
});

/** An account as a caller describes it (CLI flags, a form): validated by the account schema in main. */
export const accountDraftInputSchema = otpParamsInputSchema.extend({
  // The account schema's own limit, so a long name is named as such (ACCOUNT_INVALID{field}) at the door.
  issuer: z.string().max(LIMITS.textMax).default(''),
  label: z.string().max(LIMITS.textMax).default(''),
  secretBase32: z.string().max(4096),
});
export type AccountDraftInput = z.input<typeof accountDraftInputSchema>;

/** An account draft as shown to a caller: no secret unless it was asked for. */
export const accountDraftViewSchema = z.object({
  type: z.enum(OTP_TYPES),
  issuer: z.string(),
  label: z.string(),
  algorithm: z.enum(ALGORITHMS),
  digits: z.number().int(),
  period: z.number().int().optional(),
  counter: decimalCounterSchema.optional(),
  secretBase32: z.string().optional(),
});
export type AccountDraftView = z.infer<typeof accountDraftViewSchema>;

export const otpCodeSchema = z.object({
  code: z.string(),
  /** Unix seconds; null for HOTP, whose code is valid until used. */
  validFrom: z.number().int().nullable(),
  validUntil: z.number().int().nullable(),
});
export type OtpCodeView = z.infer<typeof otpCodeSchema>;

export const errorInfoSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

export const replyEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorInfoSchema }),
]);
export type ReplyEnvelope = z.infer<typeof replyEnvelopeSchema>;
