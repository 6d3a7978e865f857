import { z } from 'zod';
import type { InvalidEntry } from '../../../shared/enroll-api.js';
import { malformed, type ImportError } from '../import-error.js';

const optionalText = z.string().nullish();
const optionalNumber = z.number().nullish();
const signedByte = z
  .number()
  .int({ error: 'the secret must be a list of signed bytes (-128 to 127)' })
  .min(-128, { error: 'the secret must be a list of signed bytes (-128 to 127)' })
  .max(127, { error: 'the secret must be a list of signed bytes (-128 to 127)' });

const backupSchema = z.object({
  tokenOrder: z.array(z.unknown()).nullish(),
  tokens: z.array(z.unknown(), { error: 'a FreeOTP+ export has a "tokens" list' }),
});
export type FreeOtpPlusBackup = z.infer<typeof backupSchema>;

export const tokenSchema = z.object({
  secret: z.array(signedByte, { error: 'the secret must be a list of signed bytes (-128 to 127)' }),
  type: optionalText,
  algo: optionalText,
  digits: optionalNumber,
  period: optionalNumber,
  counter: optionalNumber,
  issuerExt: optionalText,
  issuerInt: optionalText,
  label: optionalText,
});
export type FreeOtpPlusToken = z.infer<typeof tokenSchema>;

export function readBackup(root: unknown): FreeOtpPlusBackup {
  const backup = backupSchema.safeParse(root);
  if (backup.success) return backup.data;
  throw fromZod(backup.error);
}

function fromZod(error: z.ZodError): ImportError {
  const issue = error.issues[0];
  const path = ['$', ...(issue?.path ?? []).map(String)].join('.');
  return malformed(path, `the FreeOTP+ export is not in the expected shape${issue === undefined ? '' : `: ${issue.message}`}`);
}

/** A token that does not fit the shape becomes an invalid entry naming its bad field (never its value). */
export function invalidFromZod(index: number, error: z.ZodError): InvalidEntry {
  const issue = error.issues[0];
  const field = (issue?.path ?? []).filter((key) => typeof key === 'string').join('.');
  return { index, field: field === '' ? 'entry' : field, reason: issue?.message ?? 'the token is not in the expected shape' };
}
