import { z } from 'zod';

/**
 * The one account schema. Every path that makes an account (URI, QR, importer, CLI flags, UI form)
 * validates through it, so the value ranges below are the only ones in the product. A parser that
 * has its own error codes (URI_BAD_DIGITS, ENTRY_INVALID{field}) builds a candidate, runs it through
 * checkOtpParams/checkAccountDraft and maps each DraftProblem's field to its code: it never
 * re-checks a range itself.
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

/** The ranges in words, for every message that names one ("digits must be from 1 to 10"). */
export const IN_WORDS = {
  algorithms: `${ALGORITHMS.slice(0, -1).join(', ')} or ${ALGORITHMS[ALGORITHMS.length - 1] ?? ''}`,
  digits: `${String(LIMITS.digitsMin)} to ${String(LIMITS.digitsMax)}`,
  period: `${String(LIMITS.periodMin)} to ${String(LIMITS.periodMax)}`,
  counter: `0 to 2^${String(LIMITS.counterMax.toString(2).length)}-1`,
  counterMax: `2^${String(LIMITS.counterMax.toString(2).length)}-1`,
  secretBytesMax: `${String(LIMITS.secretBytesMax)} bytes`,
  textMax: `${String(LIMITS.textMax)} characters`,
} as const;

export const algorithmSchema = z.enum(ALGORITHMS, { error: `algorithm must be ${IN_WORDS.algorithms}` });

export const digitsSchema = z
  .number({ error: 'digits must be a whole number' })
  .int({ error: 'digits must be a whole number' })
  .min(LIMITS.digitsMin, { error: `digits must be from ${IN_WORDS.digits}` })
  .max(LIMITS.digitsMax, { error: `digits must be from ${IN_WORDS.digits}` });

export const periodSchema = z
  .number({ error: 'period must be a whole number of seconds' })
  .int({ error: 'period must be a whole number of seconds' })
  .min(LIMITS.periodMin, { error: `period must be from ${IN_WORDS.period} seconds` })
  .max(LIMITS.periodMax, { error: `period must be from ${IN_WORDS.period} seconds` });

export const counterSchema = z
  .bigint({ error: 'counter must be a whole number' })
  .min(0n, { error: 'counter must not be negative' })
  .max(LIMITS.counterMax, { error: `counter must be at most ${IN_WORDS.counterMax}` });

/** The generation parameters, shaped by type so a TOTP has no counter and a HOTP no period. */
export const otpParamsSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('totp'), algorithm: algorithmSchema, digits: digitsSchema, period: periodSchema }),
  z.object({ type: z.literal('hotp'), algorithm: algorithmSchema, digits: digitsSchema, counter: counterSchema }),
  z.object({
    type: z.literal('steam'),
    algorithm: z.literal('SHA1', { error: 'Steam codes always use SHA1' }),
    digits: z.literal(LIMITS.steamDigits, { error: `Steam codes always have ${String(LIMITS.steamDigits)} characters` }),
    period: periodSchema,
  }),
]);
export type OtpParams = z.infer<typeof otpParamsSchema>;
export type TotpParams = Extract<OtpParams, { type: 'totp' }>;
export type HotpParams = Extract<OtpParams, { type: 'hotp' }>;
export type SteamParams = Extract<OtpParams, { type: 'steam' }>;

const textSchema = (field: string) =>
  z.string({ error: `${field} must be text` }).max(LIMITS.textMax, { error: `${field} must be at most ${IN_WORDS.textMax}` });

// Too short and too long are too_small and too_big issues (not custom ones), so a caller can tell them apart.
export const secretSchema = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, { error: 'secret must be bytes' })
  .check((ctx) => {
    const length = ctx.value.length;
    if (length < LIMITS.secretBytesMin) {
      ctx.issues.push({ code: 'too_small', origin: 'bytes', minimum: LIMITS.secretBytesMin, inclusive: true, input: ctx.value, message: 'secret must not be empty' });
    } else if (length > LIMITS.secretBytesMax) {
      ctx.issues.push({ code: 'too_big', origin: 'bytes', maximum: LIMITS.secretBytesMax, inclusive: true, input: ctx.value, message: `secret must be at most ${IN_WORDS.secretBytesMax}` });
    }
  });

export const accountIdentitySchema = z.object({
  issuer: textSchema('issuer'),
  label: textSchema('label'),
  secret: secretSchema,
});

/** An account before it is stored: what a URI, a QR code, an import or a form produces. */
export const accountDraftSchema = z.intersection(otpParamsSchema, accountIdentitySchema);
export type AccountDraft = z.infer<typeof accountDraftSchema>;

/** A field the account schema checks. */
export type DraftField = 'type' | 'algorithm' | 'digits' | 'period' | 'counter' | 'issuer' | 'label' | 'secret';
const DRAFT_FIELDS: readonly unknown[] = ['type', 'algorithm', 'digits', 'period', 'counter', 'issuer', 'label', 'secret'] satisfies DraftField[];
const isDraftField = (key: unknown): key is DraftField => DRAFT_FIELDS.includes(key);

/**
 * One field the schema refused: absent, of the wrong kind or not an allowed value (`invalid`), or
 * out of range at one end. `message` is the schema's own words; callers with codes of their own
 * map `field` (and `kind`) to them.
 */
export interface DraftProblem {
  readonly field: DraftField;
  readonly kind: 'missing' | 'invalid' | 'tooSmall' | 'tooBig';
  readonly message: string;
}

/** The schema's answer: the value, or at least one problem (the first issue of each field, in the schema's order). */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: Problems };
export type Problems = readonly [DraftProblem, ...DraftProblem[]];

/** Generation parameters (type, algorithm, digits, period or counter) through the one schema. */
export function checkOtpParams(candidate: unknown): Checked<OtpParams> {
  return checked(otpParamsSchema, candidate);
}

/** A whole draft (parameters, names, secret) through the one schema. */
export function checkAccountDraft(candidate: unknown): Checked<AccountDraft> {
  return checked(accountDraftSchema, candidate);
}

/**
 * The problem a caller reports: the first in its own order of fields (a parser keeps the order
 * it always checked in), then any other.
 */
export function firstProblem(problems: Problems, order: readonly DraftField[]): DraftProblem {
  for (const field of order) {
    const problem = problems.find((p) => p.field === field);
    if (problem !== undefined) return problem;
  }
  return problems[0];
}

const NOT_VALID: DraftProblem = { field: 'type', kind: 'invalid', message: 'the account is not valid' };

function checked<T>(schema: z.ZodType<T>, candidate: unknown): Checked<T> {
  const result = schema.safeParse(candidate);
  if (result.success) return { ok: true, value: result.data };
  const problems: DraftProblem[] = [];
  for (const issue of result.error.issues) {
    const key = issue.path[0];
    // A candidate that is not an object at all is a problem with its type.
    const field: DraftField = isDraftField(key) ? key : 'type';
    if (problems.some((p) => p.field === field)) continue; // the first issue of a field speaks for it
    const value = typeof candidate === 'object' && candidate !== null ? (candidate as Record<string, unknown>)[field] : undefined;
    const kind = value === undefined ? 'missing' : issue.code === 'too_small' ? 'tooSmall' : issue.code === 'too_big' ? 'tooBig' : 'invalid';
    problems.push({ field, kind, message: issue.message });
  }
  const [first, ...rest] = problems;
  return { ok: false, problems: [first ?? NOT_VALID, ...rest] };
}

// Control characters and the bidi overrides/isolates that can make "evil.com" render as "moc.live".
const UNSAFE_TEXT = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

export interface CleanText {
  readonly text: string;
  /** Set when something was removed: `<field>: control or text-direction characters were removed`. */
  readonly warning?: string;
}

/**
 * The one text-cleaning rule for names shown to the user (issuer, label, tag), wherever an account
 * is made: control characters and bidi overrides/isolates removed, then trimmed; says so when it
 * removed something.
 */
export function cleanDisplayText(raw: string, field: string): CleanText {
  const stripped = raw.replace(UNSAFE_TEXT, '');
  const text = stripped.trim();
  return stripped === raw ? { text } : { text, warning: `${field}: control or text-direction characters were removed` };
}

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
