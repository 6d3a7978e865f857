import { z } from 'zod';
import { ERROR_CODES } from './errors.js';
import { opIdSchema, vaultPasswordSchema as vaultPassword } from './wire.js';

const path = z.string().min(1).max(4096);
const password = z.string().min(1).max(1024);

export const backupVerificationSchema = z.object({
  verifiedAt: z.number().int(),
  file: z.string(),
  sha256: z.string(),
  backupAccounts: z.number().int(),
  vaultAccounts: z.number().int(),
  matching: z.number().int(),
  /** "Issuer (label)" of accounts found on one side only, or on both with different codes. */
  onlyInBackup: z.array(z.string()),
  onlyInVault: z.array(z.string()),
  differing: z.array(z.string()),
});
export type BackupVerification = z.infer<typeof backupVerificationSchema>;

export const backupChannels = {
  'backup.create': {
    /** `replace`: write over a file already at `path` (the CLI, after asking); refused otherwise. */
    /** `skipDamaged`: write the accounts that open and name the damaged ones (`leftOut`); else VAULT_INTEGRITY naming them. */
    /** `opId` (each backup.* request): its stages as op.progress, and op.cancel stops it before the file is written or the vault changed. */
    request: z.object({ path, password, vaultPassword, replace: z.boolean().default(false), skipDamaged: z.boolean().default(false), opId: opIdSchema.optional() }),
    reply: z.object({ path: z.string(), accounts: z.number().int(), bytes: z.number().int(), sha256: z.string(), leftOut: z.array(z.string()) }),
  },
  'backup.verify': { request: z.object({ path, password, opId: opIdSchema.optional() }), reply: backupVerificationSchema },
  'backup.restore': {
    /** `replace` empties the vault first: it needs the vault password again. */
    request: z.object({ path, password, mode: z.enum(['merge', 'replace']).default('merge'), vaultPassword: vaultPassword.optional(), opId: opIdSchema.optional() }),
    reply: z.object({ added: z.number().int(), skipped: z.number().int(), removed: z.number().int() }),
  },
  'backup.lastVerification': {
    request: z.object({}),
    /** `accountsChangedSince`: an account was added, changed or removed after that verification (the backup is behind). */
    /** `now`: main's clock (unix seconds), which the page measures the age against. */
    reply: z.object({ verification: backupVerificationSchema.nullable(), accountsChangedSince: z.boolean(), now: z.number().int() }),
  },
  /**
   * The app's backup by hand: main asks where to save it (the page names no path), after the vault
   * password again; `password` is the backup's own. Replies with the file's name, not its folder.
   */
  'backup.save': {
    request: z.object({ password, vaultPassword, opId: opIdSchema.optional() }),
    reply: z.object({ file: z.string(), accounts: z.number().int(), bytes: z.number().int(), sha256: z.string() }),
  },
  /**
   * The app's verify: main asks which backup file to open, then compares it with the vault. `backupId`
   * names that file for a restore from it (kept in main's memory until the next lock; the page never
   * holds the path).
   */
  'backup.check': {
    request: z.object({ password, opId: opIdSchema.optional() }),
    reply: z.object({ backupId: z.string(), file: z.string(), verification: backupVerificationSchema }),
  },
  /** Restores from the file a `backup.check` opened; replace (the vault emptied first) needs the vault password again. */
  'backup.restoreChecked': {
    request: z.object({ backupId: z.string().regex(/^[0-9a-f]{32}$/), password, mode: z.enum(['merge', 'replace']), vaultPassword: vaultPassword.optional(), opId: opIdSchema.optional() }),
    reply: z.object({ added: z.number().int(), skipped: z.number().int(), removed: z.number().int() }),
  },
  /**
   * The transfer block (LKX1, under its own password) put on the system clipboard by main, after the
   * vault password again; the page never holds it. Read back by the Add dialog's paste.
   */
  'transfer.copy': {
    request: z.object({ password, vaultPassword, opId: opIdSchema.optional() }),
    reply: z.object({ accounts: z.number().int(), clearsAt: z.number().int().nullable() }),
  },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;

/** The last automatic backup that failed (kept sealed in the vault until one succeeds or the folder changes). */
export const autoBackupFailureSchema = z.object({
  /** Unix seconds. */
  at: z.number().int(),
  folder: z.string(),
  /** Why, in words. */
  reason: z.string(),
  code: z.enum(ERROR_CODES),
});
export type AutoBackupFailure = z.infer<typeof autoBackupFailureSchema>;

export const autoBackupStatusSchema = z.object({
  enabled: z.boolean(),
  folder: z.string().optional(),
  keep: z.number().int().optional(),
  /** A change is waiting for the debounce to end. */
  pending: z.boolean(),
  last: z.object({ at: z.number().int(), file: z.string(), verified: z.boolean() }).nullable(),
  /** The last attempt's failure; null once one succeeds. */
  lastFailure: autoBackupFailureSchema.nullable(),
  /** `lastFailure.reason`, kept for older readers. */
  lastError: z.string().nullable(),
});
export type AutoBackupStatus = z.infer<typeof autoBackupStatusSchema>;

export const autoBackupChannels = {
  'backup.auto.configure': {
    request: z.object({ folder: path, password, vaultPassword, keep: z.number().int().min(1).max(100).default(10), opId: opIdSchema.optional() }),
    reply: autoBackupStatusSchema,
  },
  /** The app's way to turn them on: main asks the user for the folder (the page names no path). */
  'backup.auto.enable': {
    request: z.object({ password, vaultPassword, keep: z.number().int().min(1).max(100).default(10), opId: opIdSchema.optional() }),
    reply: autoBackupStatusSchema,
  },
  'backup.auto.disable': { request: z.object({}), reply: autoBackupStatusSchema },
  'backup.auto.status': { request: z.object({}), reply: autoBackupStatusSchema },
  'backup.auto.run': { request: z.object({}), reply: autoBackupStatusSchema },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
