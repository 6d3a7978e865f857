import { z } from 'zod';

export const EXPORT_FORMATS = ['otpauth-list', 'aegis', 'google-qr', 'html', 'transfer'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** Every export but the transfer block writes secrets in the clear. */
export const PLAINTEXT_EXPORTS: readonly ExportFormat[] = ['otpauth-list', 'aegis', 'google-qr', 'html'];

export const exportChannels = {
  'export.create': {
    request: z.object({
      format: z.enum(EXPORT_FORMATS),
      /** Only these accounts; all when absent. */
      ids: z.array(z.string().regex(/^[0-9a-f]{32}$/)).max(100_000).optional(),
      /** The explicit "I understand this is plaintext" of every plaintext export. */
      confirmPlaintext: z.boolean().default(false),
      /** The transfer block's own password. */
      password: z.string().min(1).max(1024).optional(),
      /**
       * The vault password again, required by every plaintext export (a fresh re-authentication,
       * rate-limited like reveal); not needed by the transfer block, which is sealed with its own.
       */
      vaultPassword: z.string().min(1).max(1024).optional(),
    }),
    reply: z.object({
      files: z.array(z.object({ suffix: z.string(), mime: z.string(), base64: z.string() })),
      accounts: z.number().int(),
      warnings: z.array(z.string()),
    }),
  },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
