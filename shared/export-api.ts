import { z } from 'zod';
import { opIdSchema, vaultPasswordSchema as vaultPassword } from './wire.js';

export const EXPORT_FORMATS = ['otpauth-list', 'aegis', 'google-qr', 'html', 'transfer'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** Every export but the transfer block writes secrets in the clear. */
const PLAINTEXT_EXPORTS_TUPLE = ['otpauth-list', 'aegis', 'google-qr', 'html'] as const satisfies readonly ExportFormat[];
export const PLAINTEXT_EXPORTS: readonly ExportFormat[] = PLAINTEXT_EXPORTS_TUPLE;
export type PlaintextExportFormat = (typeof PLAINTEXT_EXPORTS_TUPLE)[number];


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
       * The vault password again, required by every export, the transfer block included: each is a
       * copy of the secrets (a fresh re-authentication, rate-limited like reveal).
       */
      vaultPassword,
      /** Export the accounts that open and name the damaged ones (`leftOut`); else VAULT_INTEGRITY naming them. */
      skipDamaged: z.boolean().default(false),
      /** Follows the re-authentication (a touch on a password+YubiKey vault) and the transfer block's key derivation; cancellable. */
      opId: opIdSchema.optional(),
    }),
    reply: z.object({
      files: z.array(z.object({ suffix: z.string(), mime: z.string(), base64: z.string() })),
      /** How many accounts the files hold. */
      accounts: z.number().int(),
      warnings: z.array(z.string()),
      /** Ids of damaged accounts left out (with `skipDamaged`). */
      leftOut: z.array(z.string()),
    }),
  },
  /**
   * The app's export: main asks the user where to save (the page names no path), writes new files
   * only (never over an existing one), mode 0600, and answers with their names, never their bytes.
   */
  'export.save': {
    request: z.object({
      format: z.enum(PLAINTEXT_EXPORTS_TUPLE),
      confirmPlaintext: z.boolean().default(false),
      vaultPassword,
      /** Follows the re-authentication (a touch on a password+YubiKey vault); cancellable until the file is chosen. */
      opId: opIdSchema.optional(),
    }),
    reply: z.object({ files: z.array(z.string()), accounts: z.number().int(), warnings: z.array(z.string()) }),
  },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
