import { z } from 'zod';
import { malformed } from '../import-error.js';

/**
 * The JSON shapes of an Aegis vault (docs/vault.md upstream; /work/shared/formats/aegis.md).
 * No schema here passes unknown keys through, so `__proto__` and friends are dropped, never copied.
 */

/** Anything with a numeric `version`: read first, so a newer file is refused before its shape is judged. */
export const versionedSchema = z.object({ version: z.number() });

const sealedParamsSchema = z.object({ nonce: z.string(), tag: z.string() });
export type SealedParams = z.infer<typeof sealedParamsSchema>;

/** The outer file. `db` is the content object (plain) or Base64 ciphertext (encrypted). */
export const outerSchema = z.object({
  version: z.literal(1),
  header: z.object({
    slots: z.array(z.unknown()).nullable(),
    params: sealedParamsSchema.nullable(),
  }),
  db: z.unknown(),
});

/** Every slot has a numeric type: 0 raw, 1 password, 2 biometric. Only 1 is read. */
export const slotTypeSchema = z.object({ type: z.number().int() });

export const passwordSlotSchema = z.object({
  type: z.literal(1),
  key: z.string(),
  key_params: sealedParamsSchema,
  n: z.number(),
  r: z.number(),
  p: z.number(),
  salt: z.string(),
  repaired: z.boolean().nullish(),
  is_backup: z.boolean().nullish(),
});

/** The content (`db`): versions 1-3. `groups` exists from version 3 on. */
export const contentSchema = z.object({
  version: z.number(),
  entries: z.array(z.unknown()),
  groups: z.array(z.unknown()).nullish(),
});

export const groupSchema = z.object({ uuid: z.string(), name: z.string() });

const numberOrText = z.union([z.number(), z.string()]).nullish();

export const entrySchema = z.object({
  type: z.string(),
  name: z.string().nullish(),
  issuer: z.string().nullish(),
  note: z.string().nullish(),
  /** Content versions 1 and 2: the group's name. */
  group: z.string().nullish(),
  /** Content version 3: UUIDs into the top-level `groups`. */
  groups: z.array(z.string()).nullish(),
  info: z.object({
    secret: z.string(),
    algo: z.string().nullish(),
    digits: numberOrText,
    period: numberOrText,
    counter: numberOrText,
  }),
});
export type AegisEntry = z.infer<typeof entrySchema>;

export const entryTypeSchema = z.object({ type: z.string() });

/** Parses with a schema; a mismatch is IMPORT_MALFORMED at the JSON path of the first problem. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw malformed(`${path}${pathText(issue?.path ?? [])}`, 'the file does not have the shape of an Aegis vault');
}

export function pathText(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? `[${String(key)}]` : `.${String(key).slice(0, 32)}`)).join('');
}
