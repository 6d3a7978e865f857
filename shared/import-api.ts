import { z } from 'zod';
import { opIdSchema } from './wire.js';
import { candidateSchema, invalidEntrySchema } from './enroll-api.js';

/**
 * No export we read is larger (SECURITY-NOTES §8: text and JSON 10 MiB; we read no zip format): the
 * CLI checks a file's size before reading it, the service before detecting its format.
 */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** A file crosses as base64: exactly the base64 length of MAX_IMPORT_BYTES. */
const MAX_FILE_BASE64 = Math.ceil(MAX_IMPORT_BYTES / 3) * 4;

export const importPreviewSchema = z.object({
  previewId: z.string(),
  format: z.string(),
  formatName: z.string(),
  /** The valid accounts, without secrets unless asked; `duplicate` when the unlocked vault has them. */
  accounts: z.array(candidateSchema),
  invalid: z.array(invalidEntrySchema),
  warnings: z.array(z.string()),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

export const importChannels = {
  'import.formats': {
    request: z.object({}),
    reply: z.object({ formats: z.array(z.object({ id: z.string(), name: z.string(), mayBeEncrypted: z.boolean() })) }),
  },
  'import.preview': {
    request: z.object({
      fileBase64: z.string().max(MAX_FILE_BASE64),
      fileName: z.string().max(1024).default('import'),
      format: z.string().max(64).optional(),
      password: z.string().max(1024).optional(),
      showSecrets: z.boolean().default(false),
      /** Follow it with `op.progress`, stop it with `op.cancel`. */
      opId: opIdSchema.optional(),
    }),
    reply: importPreviewSchema,
  },
  'import.commit': {
    request: z.object({ previewId: z.string().max(64), includeDuplicates: z.boolean().default(false) }),
    reply: z.object({ added: z.array(z.string()), skipped: z.number().int() }),
  },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
