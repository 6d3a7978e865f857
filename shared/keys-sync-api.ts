import { z } from 'zod';
import { invalidEntrySchema, MAX_IMAGE_BYTES } from './enroll-api.js';
import { MAX_IMPORT_BYTES } from './import-api.js';
import { parseSyncTarget, SYNC_TARGET_FORM, syncTargetId } from './sync-target.js';
import { opIdSchema, vaultPasswordSchema } from './wire.js';

/**
 * Request and reply shapes of the sync channels (issue 17): one plan to put vault accounts on
 * several OATH keys (YubiKey, Nitrokey 3), applying it verified and resumable, and the inventory of
 * which account lives on which key. The app's sync panel calls keys.syncPlan, keys.syncApply (the vault password again) and
 * keys.inventory (RENDERER_CHANNELS); keys.rebuild and keys.syncImport stay CLI-only.
 */
const serial = z.number().int().min(0).max(0xffff_ffff);

/**
 * A sync target (sync-target.ts): a serial (a number, or its digits as text) means the key's OATH
 * application, as it always did; `SERIAL/otp` a YubiKey's two OTP slots (HOTP accounts only). Parsed
 * to its canonical text id (`12345678`, `12345678/otp`), which the replies give back as `target`.
 */
const syncTarget = z.union([z.number(), z.string().max(32)]).transform((value, context) => {
  const target = parseSyncTarget(value);
  if (target !== null) return syncTargetId(target);
  context.addIssue({ code: 'custom', message: `a sync target is ${SYNC_TARGET_FORM}, not "${String(value)}"` });
  return z.NEVER;
});
/** The canonical id of a target, in every reply beside the serial: the page's opaque key for a column of the plan. */
const targetId = z.string();
const accountId = z.string().regex(/^[0-9a-f]{32}$/, { error: 'id must be 32 hex characters' });

/** A key's PIN (Nitrokey 3) or access password (YubiKey), by serial (absent: for every key), for this one request. */
const keyAuthSchema = z.object({ serial: serial.optional(), pin: z.string().min(1).optional(), password: z.string().min(1).optional() });

const selection = {
  /** The accounts, in the user's order; absent: every account `query` matches (absent too: all). */
  accountIds: z.array(accountId).optional(),
  query: z.string().max(256).optional(),
  /** The targets (keys' OATH applications, YubiKey OTP slots), in the user's order; absent: the one OATH key plugged in (AMBIGUOUS when several are). */
  keys: z.array(syncTarget).min(1).optional(),
  auth: z.array(keyAuthSchema).optional(),
  /** New credentials ask for a touch before each code. */
  touch: z.boolean().optional(),
  /** Spread the accounts: each on this many keys where there is room, in the user's order. */
  spread: z.number().int().min(1).max(16).optional(),
  /** Let a HOTP account go on more than one key (each copy then counts its own codes). */
  hotpOnSeveralKeys: z.boolean().default(false),
  /** Compare touch-required credentials by their code too (each asks for a touch while planning). */
  allowTouch: z.boolean().default(false),
  /** Proposed cells to apply too: removals, renames, overwrites of credentials Latchkey did not write. */
  choose: z.array(z.object({ key: syncTarget, name: z.string() })).optional(),
  opId: opIdSchema.optional(),
};

export const syncActionSchema = z.object({
  /** The key's serial (an OTP slots' cell too: use `target` to tell a YubiKey's two applications apart). */
  key: serial,
  /** The target's id: `SERIAL` (OATH) or `SERIAL/otp` (a YubiKey's OTP slots). */
  target: targetId,
  action: z.enum(['add', 'overwrite', 'identical', 'key-only', 'remove', 'rename', 'unsupported', 'skip']),
  /** The credential's name on the key (`[period/][issuer:]label`). */
  name: z.string(),
  reason: z.string().optional(),
  accountId: accountId.optional(),
  /** A rename's current name. */
  from: z.string().optional(),
  /** Applied only when chosen. */
  optIn: z.boolean().optional(),
  chosen: z.boolean().optional(),
  compared: z.enum(['code', 'listing', 'record']).optional(),
  /** A YubiKey OTP slots' cell: the slot it is (or goes) in. */
  slot: z.union([z.literal(1), z.literal(2)]).optional(),
});

const planReply = z.object({
  actions: z.array(syncActionSchema),
  room: z.array(
    z.object({
      key: serial,
      target: targetId,
      capacity: z.number().int(),
      held: z.number().int(),
      after: z.number().int(),
      fits: z.boolean(),
      /** A Nitrokey 3 seen without its PIN hides PIN-protected credentials: held/after are at least, free at most. */
      hiddenByPin: z.boolean().optional(),
    }),
  ),
  /** False: some key would be over its capacity, and nothing is written (spread, or choose fewer). */
  fits: z.boolean(),
  warnings: z.array(z.string()),
});

/** A cell written and checked after applying. */
const appliedSchema = z.object({ key: serial, target: targetId, name: z.string(), action: syncActionSchema.shape.action, check: z.enum(['code-match', 'present', 'removed']) });

const base64Of = (bytes: number) => z.string().max(Math.ceil(bytes / 3) * 4);

/** What `import FILE --to-key` and `scan IMAGE --to-key` put on a key: an export file, or QR images. */
const keySourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), fileBase64: base64Of(MAX_IMPORT_BYTES), format: z.string().max(64).optional(), password: z.string().max(1024).optional() }),
  z.object({ kind: z.literal('images'), imagesBase64: z.array(base64Of(MAX_IMAGE_BYTES)).min(1).max(64) }),
]);

const driftSchema = z.object({ key: serial, name: z.string(), change: z.enum(['added', 'removed', 'changed']), accountId: accountId.optional(), detail: z.string() });

export const keysSyncChannels = {
  /** What a sync would do (nothing is written, no touch is asked unless `allowTouch`); `keys sync --dry-run`. */
  'keys.syncPlan': { request: z.object(selection), reply: planReply },
  /**
   * Plans again and applies (the vault password again: secrets leave the vault), one credential at a
   * time, each verified; an unplug, cancel or crash is resumed by the next sync.
   */
  'keys.syncApply': {
    request: z.object({ ...selection, vaultPassword: vaultPasswordSchema }),
    reply: planReply.extend({
      applied: z.array(appliedSchema),
    }),
  },
  /**
   * A lost key's credentials (its inventory) planned onto another key, same names and touch flags;
   * `dryRun`: the plan only. Otherwise (the vault password again) applied and verified like a sync,
   * and the lost key marked so in the inventory. `impossible`: what the vault can't rebuild.
   */
  'keys.rebuild': {
    request: z
      .object({
        from: serial,
        /** The new key: its OATH application, or (`SERIAL/otp`) a YubiKey's OTP slots for the lost key's HOTP accounts. */
        to: syncTarget,
        auth: z.array(keyAuthSchema).optional(),
        allowTouch: z.boolean().default(false),
        dryRun: z.boolean().default(false),
        vaultPassword: vaultPasswordSchema.optional(),
        opId: opIdSchema.optional(),
      })
      .refine((request) => request.dryRun || request.vaultPassword !== undefined, { error: 'the vault password is needed again (vaultPassword)', path: ['vaultPassword'] }),
    reply: planReply.extend({
      applied: z.array(appliedSchema),
      impossible: z.array(z.object({ name: z.string(), accountId, reason: z.string() })),
      /** Unix seconds the old key was marked lost at (absent on a dry run). */
      lostAt: z.number().int().optional(),
    }),
  },
  /**
   * The accounts of an export or QR images put onto one key through the same plan and apply path
   * (`dryRun`: the plan only). Without `keyOnly` they are imported into the vault first (duplicates:
   * the vault's own accounts go instead); with it they never touch the vault file: the inventory
   * records them as key-only, which the vault can't rebuild.
   */
  'keys.syncImport': {
    request: z
      .object({
        source: keySourceSchema,
        /** The target: a key's OATH application, or (`SERIAL/otp`) a YubiKey's OTP slots for the HOTP accounts. */
        key: syncTarget,
        keyOnly: z.boolean().default(false),
        touch: z.boolean().optional(),
        auth: z.array(keyAuthSchema).optional(),
        dryRun: z.boolean().default(false),
        vaultPassword: vaultPasswordSchema.optional(),
        opId: opIdSchema.optional(),
      })
      .refine((request) => request.dryRun || request.vaultPassword !== undefined, { error: 'the vault password is needed again (vaultPassword)', path: ['vaultPassword'] }),
    reply: planReply.extend({
      applied: z.array(appliedSchema),
      /** Vault accounts the file's accounts were added as (none with keyOnly or on a dry run). */
      addedToVault: z.array(accountId),
      /** Entries of the file that are no account, and why. */
      invalid: z.array(invalidEntrySchema),
    }),
  },
  /** Which keys hold each account, and what each key plugged in now shows that differs (drift). */
  'keys.inventory': {
    request: z.object({ auth: z.array(keyAuthSchema).optional(), opId: opIdSchema.optional() }),
    reply: z.object({
      keys: z.array(
        z.object({
          serial,
          kind: z.enum(['yubikey-oath', 'nitrokey3']),
          lostAt: z.number().int().optional(),
          credentials: z.array(
            z.object({
              name: z.string(),
              accountId,
              accountGone: z.boolean(),
              type: z.enum(['totp', 'hotp']),
              touch: z.boolean(),
              writtenAt: z.number().int(),
              check: z.enum(['code-match', 'present']),
              /** Put there with --key-only: the vault can't rebuild it. */
              keyOnly: z.boolean().optional(),
            }),
          ),
        }),
      ),
      /** `keys`: the OATH keys holding each account; `targets`: those as target ids, then the YubiKey OTP slots (`SERIAL/otp`) Latchkey programmed with it. */
      accounts: z.array(z.object({ accountId, issuer: z.string(), label: z.string(), keys: z.array(serial), targets: z.array(targetId) })),
      /** The keys plugged in now, whose drift is shown. */
      seen: z.array(serial),
      drift: z.array(driftSchema),
      /**
       * Why no key could be looked at (the PC/SC service not running, with its fix): the inventory is
       * still shown, but no key's drift was checked (`seen` is empty).
       */
      unavailable: z.array(z.string()).optional(),
    }),
  },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
