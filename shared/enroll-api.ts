import { z } from 'zod';
import { accountDraftViewSchema } from './wire.js';

/** A record that could not become an account: collected and shown, never fatal to the rest. */
export const invalidEntrySchema = z.object({ index: z.number().int(), field: z.string(), reason: z.string() });
export type InvalidEntry = z.infer<typeof invalidEntrySchema>;

/** An account found by a scan or paste, before the user commits it: no secret unless asked. */
export const candidateSchema = accountDraftViewSchema.extend({
  id: z.string(),
  source: z.string(),
  duplicate: z.boolean(),
});
export type Candidate = z.infer<typeof candidateSchema>;

export const batchProgressSchema = z.object({
  batchId: z.number().int(),
  size: z.number().int(),
  received: z.array(z.number().int()),
  missing: z.array(z.number().int()),
});
export type BatchProgress = z.infer<typeof batchProgressSchema>;

export const enrollResultSchema = z.object({
  candidates: z.array(candidateSchema),
  invalid: z.array(invalidEntrySchema),
  warnings: z.array(z.string()),
  batches: z.array(batchProgressSchema),
});
export type EnrollResult = z.infer<typeof enrollResultSchema>;

/** The largest image file we decode (50 megapixels compress to far less in any format we read). */
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
/** Images cross as base64: exactly the base64 length of MAX_IMAGE_BYTES. */
const MAX_IMAGE_BASE64 = Math.ceil(MAX_IMAGE_BYTES / 3) * 4;

export const enrollChannels = {
  'enroll.decodeImage': {
    request: z.object({ imageBase64: z.string().max(MAX_IMAGE_BASE64), source: z.string().max(256).default('image'), showSecrets: z.boolean().default(false) }),
    reply: enrollResultSchema,
  },
  'enroll.decodeText': {
    request: z.object({ text: z.string().max(1024 * 1024), source: z.string().max(256).default('text'), showSecrets: z.boolean().default(false) }),
    reply: enrollResultSchema,
  },
  'enroll.captureScreen': {
    request: z.object({ showSecrets: z.boolean().default(false) }),
    reply: enrollResultSchema,
  },
  'enroll.commit': {
    request: z.object({ ids: z.array(z.string().max(64)).max(10_000), includeDuplicates: z.boolean().default(false) }),
    reply: z.object({ added: z.array(z.string()), skipped: z.array(z.string()) }),
  },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
