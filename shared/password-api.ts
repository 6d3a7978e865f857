import { z } from 'zod';

/**
 * The rule for every password being set (vault, backup, transfer block): at least 8 characters and
 * a zxcvbn-ts score of at least 2 ("somewhat guessable" or better). Passwords of files made by other
 * apps are theirs to judge. Never applied at unlock, so old vaults and backups keep opening.
 */
export const PASSWORD_RULE = { minLength: 8, minScore: 2 } as const;

export const passwordEstimateSchema = z.object({
  /** zxcvbn's 0 (too guessable) … 4 (very unguessable). */
  score: z.number().int().min(0).max(4),
  /** True when the password meets PASSWORD_RULE: what `PASSWORD_REJECTED` would refuse otherwise. */
  acceptable: z.boolean(),
  /** The estimator's words: a warning first when it has one, then its suggestions. */
  feedback: z.array(z.string()),
});
export type PasswordEstimate = z.infer<typeof passwordEstimateSchema>;

export const passwordChannels = {
  /** How guessable a new password is, as it is typed (the page already has what it typed). */
  'password.estimate': { request: z.object({ password: z.string().max(1024) }), reply: passwordEstimateSchema },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
