import type { z } from 'zod';
import {
  accountDraftSchema,
  cleanDisplayText,
  DEFAULTS,
  LIMITS,
  otpParamsSchema,
  type AccountDraft,
  type OtpParams,
} from '../../shared/account.js';
import { AccountInvalidError } from '../../shared/errors.js';
import type { AccountDraftView, accountDraftInputSchema, otpParamsInputSchema } from '../../shared/wire.js';
import { decodeBase32, describeBase32Problem, encodeBase32 } from '../otp/index.js';

type OtpParamsInput = z.output<typeof otpParamsInputSchema>;
type AccountDraftInput = z.output<typeof accountDraftInputSchema>;

/** Fills defaults and validates generation parameters given by a caller, naming the bad field. */
export function otpParamsFromInput(input: OtpParamsInput): OtpParams {
  const isSteam = input.type === 'steam';
  const candidate = {
    type: input.type,
    algorithm: input.algorithm?.toUpperCase().replace(/-/g, '') ?? DEFAULTS.algorithm,
    digits: input.digits ?? (isSteam ? LIMITS.steamDigits : DEFAULTS.digits),
    ...(input.type === 'hotp'
      ? { counter: BigInt(input.counter ?? DEFAULTS.counter) }
      : { period: input.period ?? DEFAULTS.period }),
  };
  return validated(otpParamsSchema, candidate);
}

export function secretFromBase32(text: string): Uint8Array {
  const decoded = decodeBase32(text);
  if (!decoded.ok) throw new AccountInvalidError('secret', describeBase32Problem(decoded.problem));
  return decoded.bytes;
}

export function accountDraftFromInput(input: AccountDraftInput): AccountDraft {
  const params = otpParamsFromInput(input);
  return validated(accountDraftSchema, {
    ...params,
    // Typed names get what URIs and imports get: control and bidi-override characters removed.
    issuer: cleanDisplayText(input.issuer, 'issuer').text,
    label: cleanDisplayText(input.label, 'label').text,
    secret: secretFromBase32(input.secretBase32),
  });
}

export function accountDraftView(draft: AccountDraft, showSecrets: boolean): AccountDraftView {
  return {
    type: draft.type,
    issuer: draft.issuer,
    label: draft.label,
    algorithm: draft.algorithm,
    digits: draft.digits,
    ...(draft.type === 'hotp' ? { counter: draft.counter.toString() } : { period: draft.period }),
    ...(showSecrets ? { secretBase32: encodeBase32(draft.secret) } : {}),
  };
}

function validated<T>(schema: z.ZodType<T>, candidate: unknown): T {
  const result = schema.safeParse(candidate);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = typeof issue?.path[0] === 'string' ? issue.path[0] : 'account';
  throw new AccountInvalidError(field, issue?.message ?? 'the account is not valid');
}
