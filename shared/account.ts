import { z } from 'zod';

/**
 * The one account schema. Every path that makes an account (URI, QR, importer, CLI flags, UI form)
 * validates through it, so the value ranges below are the only ones in the product.
 */
export const OTP_TYPES = ['totp', 'hotp', 'steam'] as const;
export type OtpType = (typeof OTP_TYPES)[number];

export const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const LIMITS = {
  digitsMin: 1,
  digitsMax: 10,
  steamDigits: 5,
  periodMin: 1,
  periodMax: 86_400,
  counterMax: 0xffff_ffff_ffff_ffffn,
  secretBytesMin: 1,
  secretBytesMax: 1024,
  textMax: 256,
  tagsMax: 32,
} as const;

export const DEFAULTS = { algorithm: 'SHA1', digits: 6, period: 30, counter: 0n } as const;

export const algorithmSchema = z.enum(ALGORITHMS, {
  error: 'algorithm must be SHA1, SHA256 or SHA512',
});

export const digitsSchema = z
  .number({ error: 'digits must be a whole number' })
  .int({ error: 'digits must be a whole number' })
  .min(LIMITS.digitsMin, { error: 'digits must be from 1 to 10' })
  .max(LIMITS.digitsMax, { error: 'digits must be from 1 to 10' });

export const periodSchema = z
  .number({ error: 'period must be a whole number of seconds' })
  .int({ error: 'period must be a whole number of seconds' })
  .min(LIMITS.periodMin, { error: 'period must be from 1 to 86400 seconds' })
  .max(LIMITS.periodMax, { error: 'period must be from 1 to 86400 seconds' });

export const counterSchema = z
  .bigint({ error: 'counter must be a whole number' })
  .min(0n, { error: 'counter must not be negative' })
  .max(LIMITS.counterMax, { error: 'counter must be at most 2^64-1' });

/** The generation parameters, shaped by type so a TOTP has no counter and a HOTP no period. */
export const otpParamsSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('totp'), algorithm: algorithmSchema, digits: digitsSchema, period: periodSchema }),
  z.object({ type: z.literal('hotp'), algorithm: algorithmSchema, digits: digitsSchema, counter: counterSchema }),
  z.object({
    type: z.literal('steam'),
    algorithm: z.literal('SHA1', { error: 'Steam codes always use SHA1' }),
    digits: z.literal(LIMITS.steamDigits, { error: 'Steam codes always have 5 characters' }),
    period: periodSchema,
  }),
]);
export type OtpParams = z.infer<typeof otpParamsSchema>;
export type TotpParams = Extract<OtpParams, { type: 'totp' }>;
export type HotpParams = Extract<OtpParams, { type: 'hotp' }>;
export type SteamParams = Extract<OtpParams, { type: 'steam' }>;

const textSchema = (field: string) =>
  z.string({ error: `${field} must be text` }).max(LIMITS.textMax, { error: `${field} must be at most 256 characters` });

export const secretSchema = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, { error: 'secret must be bytes' })
  .refine((bytes) => bytes.length >= LIMITS.secretBytesMin, { error: 'secret must not be empty' })
  .refine((bytes) => bytes.length <= LIMITS.secretBytesMax, { error: 'secret must be at most 1024 bytes' });

export const accountIdentitySchema = z.object({
  issuer: textSchema('issuer'),
  label: textSchema('label'),
  secret: secretSchema,
});

/** An account before it is stored: what a URI, a QR code, an import or a form produces. */
export const accountDraftSchema = z.intersection(otpParamsSchema, accountIdentitySchema);
export type AccountDraft = z.infer<typeof accountDraftSchema>;

export const accountIdSchema = z.string().regex(/^[0-9a-f]{32}$/, { error: 'id must be 32 hex characters' });

export const accountExtrasSchema = z.object({
  id: accountIdSchema,
  icon: z.string().max(LIMITS.textMax).optional(),
  tags: z.array(textSchema('tag')).max(LIMITS.tagsMax),
  note: z.string().max(65_536).optional(),
  recoveryCodes: z.array(z.object({ code: z.string().max(LIMITS.textMax), used: z.boolean() })).max(256).optional(),
  createdAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
});

/** A stored account, as the main process holds it. Never sent to the renderer whole. */
export const accountSchema = z.intersection(accountDraftSchema, accountExtrasSchema);
export type Account = z.infer<typeof accountSchema>;

/** The period of a time-based account, or undefined for HOTP. */
export function periodOf(params: OtpParams): number | undefined {
  return params.type === 'hotp' ? undefined : params.period;
}

/** Omit that keeps a union a union (plain Omit flattens the type-shaped variants into one). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A stored account without its secret, note and recovery codes: what a listing opens. */
export type AccountMeta = DistributiveOmit<Account, 'secret' | 'note' | 'recoveryCodes'>;
