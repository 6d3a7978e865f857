import { z } from 'zod';
import {
  opIdSchema,
  accountDraftInputSchema,
  accountDraftViewSchema,
  otpCodeSchema,
  otpParamsInputSchema,
  unixSecondsSchema,
} from './wire.js';
import { autoBackupChannels, backupChannels } from './backup-api.js';
import { desktopChannels } from './desktop-api.js';
import { enrollChannels } from './enroll-api.js';
import { exportChannels } from './export-api.js';
import { importChannels } from './import-api.js';
import { keysChannels } from './keys-api.js';
import { keysSyncChannels } from './keys-sync-api.js';
import { passwordChannels } from './password-api.js';
import { settingsChannels } from './settings-api.js';
import { vaultChannels } from './vault-api.js';

/** Longest URI we look at (SECURITY-NOTES §8); longer ones are refused before parsing. */
export const MAX_URI_LENGTH = 4096;

/**
 * Every channel, with the schema of its request and of its reply. The service, the Electron bridge,
 * the e2e binding and the renderer's client are all typed from this one table.
 */
export const channels = {
  /** Stops the long operation started with this `opId`: it ends in CANCELLED, nothing half-written. */
  'op.cancel': {
    request: z.object({ opId: opIdSchema }),
    reply: z.object({ cancelled: z.boolean() }),
  },
  'otp.code': {
    request: otpParamsInputSchema.extend({
      secretBase32: z.string().max(4096),
      /** Unix seconds; the service clock when absent. */
      at: unixSecondsSchema.optional(),
    }),
    reply: otpCodeSchema,
  },
  'uri.parse': {
    // Capped a little above the parser's own limit so it, not the schema, names an over-long URI.
    request: z.object({ uri: z.string().max(MAX_URI_LENGTH * 4), showSecrets: z.boolean().default(false) }),
    reply: z.object({ account: accountDraftViewSchema, warnings: z.array(z.string()) }),
  },
  'uri.format': {
    request: z.object({
      account: accountDraftInputSchema,
      steamStyle: z.enum(['encoder', 'host']).default('encoder'),
    }),
    reply: z.object({ uri: z.string() }),
  },
  ...vaultChannels,
  ...enrollChannels,
  ...importChannels,
  ...backupChannels,
  ...autoBackupChannels,
  ...exportChannels,
  ...settingsChannels,
  ...passwordChannels,
  ...keysChannels,
  ...keysSyncChannels,
  ...desktopChannels,
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;

export type Channel = keyof typeof channels;
export const CHANNELS = Object.keys(channels) as Channel[];

/** What a caller sends (defaults may be left out). */
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
/** What a handler receives, after parsing and defaults. */
export type ParsedRequestOf<C extends Channel> = z.output<(typeof channels)[C]['request']>;
export type ReplyOf<C extends Channel> = z.output<(typeof channels)[C]['reply']>;

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(channels, value);
}
