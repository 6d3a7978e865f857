import { z } from 'zod';
import { opIdSchema, vaultPasswordSchema } from './wire.js';

/**
 * Request and reply shapes of the hardware-key channels: YubiKey OTP slots, and the OATH credentials
 * of a YubiKey (over PC/SC) or a Nitrokey 3 Secrets App (over CTAPHID). The CLI's, except keys.list,
 * keys.watch, keys.credentials, keys.calculate (its `at` stays CLI-only), keys.status, keys.delete and
 * keys.swap: the app's keys panel calls those, and no other (RENDERER_CHANNELS).
 */
const accountId = z.string().regex(/^[0-9a-f]{32}$/, { error: 'id must be 32 hex characters' });
const hexBytes = (what: string, min: number, max: number) =>
  z.string().regex(new RegExp(`^(?:[0-9a-fA-F]{2}){${String(min)},${String(max)}}$`), { error: `${what} must be ${String(min)}–${String(max)} bytes as hex digits` });

/** A key's serial number as the key reports it (4 bytes); how `--key SERIAL` picks one key. */
export const keySerialSchema = z.number().int().min(0).max(0xffff_ffff);
export const otpSlotSchema = z.union([z.literal(1), z.literal(2)], { error: 'slot must be 1 or 2' });
/** A slot's access code: 6 bytes, 12 hex digits. */
const accessCode = hexBytes('an access code', 6, 6);

/** Which key a request means: the one plugged in, or the one with this serial. */
const keyChoice = { serial: keySerialSchema.optional() };

export const keySummarySchema = z.object({
  /** Which application answered: a YubiKey's OTP slots, a YubiKey's OATH applet, a Nitrokey 3's Secrets App. */
  kind: z.enum(['yubikey-otp', 'yubikey-oath', 'nitrokey3']),
  /** Null when the key hides its serial from host software. */
  serial: keySerialSchema.nullable(),
  /** The firmware (YubiKey), or the Secrets App's version (Nitrokey 3: what its OATH SELECT says). */
  firmware: z.string(),
  emulated: z.boolean(),
});
export type KeySummary = z.infer<typeof keySummarySchema>;

/**
 * A key in `keys.list`. A YubiKey 5 shows up twice to the computer (its OTP HID interface and its CCID
 * reader); when both give the same serial they are one entry, of kind `yubikey-oath`, with
 * `applications: ['otp', 'oath']`. Absent for a key seen through one application only.
 */
export const keyListingSchema = keySummarySchema.extend({ applications: z.array(z.enum(['otp', 'oath'])).optional() });

/** A PIN (Nitrokey 3) or access password (YubiKey OATH) for this one operation. */
const keyAuth = z
  .object({
    pin: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /**
     * YubiKey: seal the access key derived from `password` in the vault (record `yubikey-oath-access`,
     * by serial; the vault must be unlocked), so later requests open the key without the password.
     * Without it, the access key is still held in memory while the vault stays unlocked.
     */
    remember: z.boolean().optional(),
  })
  .optional();

/** One OATH credential as the key lists it: fields the key did not say are null, never guessed. */
export const oathCredentialSchema = z.object({
  /** The id as stored, `[period/][issuer:]label`: what `keys delete NAME` and `keys rename NAME` take. */
  name: z.string(),
  issuer: z.string().nullable(),
  label: z.string(),
  type: z.enum(['totp', 'hotp']),
  /** TOTP seconds; 0 for HOTP. */
  period: z.number().int(),
  algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']).nullable(),
  digits: z.number().int().nullable(),
  touch: z.boolean().nullable(),
  pinProtected: z.boolean().nullable(),
});
export type OathCredentialView = z.infer<typeof oathCredentialSchema>;

const oathOptions = { ...keyChoice, auth: keyAuth, opId: opIdSchema.optional() };

const keyCodeSchema = z.object({
  credential: oathCredentialSchema,
  /** Null when the key did not compute it (several matched: a HOTP or touch credential is computed only alone). */
  code: z.string().nullable(),
  validFrom: z.number().int().nullable(),
  validUntil: z.number().int().nullable(),
  notComputed: z.enum(['hotp', 'touch', 'pin']).optional(),
});


/** What Latchkey wrote to a slot, from the vault's sealed `key-writes` record (a slot can't be read back). */
export const keySlotWriteSchema = z.object({
  kind: z.enum(['hotp', 'challenge-response']),
  accountId: accountId.optional(),
  /** The account's names when it is still in the vault. */
  account: z.object({ issuer: z.string(), label: z.string() }).optional(),
  /** Unix seconds. */
  writtenAt: z.number().int(),
  touch: z.boolean(),
});

const slotStatusSchema = z.object({
  slot: otpSlotSchema,
  /** Null on firmware too old to say (before 2.1). */
  configured: z.boolean().nullable(),
  /** Types its output on a touch (HOTP, Yubico OTP); null before firmware 3.0. */
  touchTriggered: z.boolean().nullable(),
  /** Absent when Latchkey has no record of writing this slot (or the vault was not read). */
  written: keySlotWriteSchema.optional(),
});

const writeOptions = {
  ...keyChoice,
  slot: otpSlotSchema,
  /** The slot's current access code, when it is protected by one. */
  accessCode: accessCode.optional(),
  /**
   * Note the write in the vault's sealed `key-writes` record (the vault must then be unlocked; it is
   * checked before the key is touched). The CLI turns it off only when there is no vault at all.
   */
  updateRecord: z.boolean().default(true),
  opId: opIdSchema.optional(),
};

const writeReply = z.object({ key: keySummarySchema, slot: otpSlotSchema, pgmSeq: z.number().int(), recorded: z.boolean() });

export const keysChannels = {
  /** The YubiKey OTP interfaces plugged in (or emulated), each opened once to read its serial and firmware. */
  'keys.list': {
    request: z.object({}),
    /** `unavailable`: why a kind of key could not be looked for (pcscd not running, say); the others are still listed. */
    reply: z.object({ keys: z.array(keyListingSchema), unavailable: z.array(z.string()).optional() }),
  },
  /**
   * The keys panel's live list: while on, main watches for keys plugged in and unplugged and tells the
   * page (`keys.changed`); off when the panel closes, so nothing polls the USB bus otherwise. Each
   * panel holds the watch under its own `holder` id for `leaseMs`, renewed by asking `on` again
   * before it runs out: a page that reloads or goes away without `off` stops it all the same.
   */
  'keys.watch': {
    request: z.object({ on: z.boolean(), holder: z.string().regex(/^[0-9a-z-]{8,64}$/, { error: 'holder must be 8–64 lowercase letters, digits or dashes' }) }),
    reply: z.object({ leaseMs: z.number().int().positive() }),
  },
  /** A key's firmware, programming sequence and slots, with what Latchkey wrote there when the vault is read. */
  'keys.status': {
    request: z.object({ ...keyChoice, includeRecord: z.boolean().default(true) }),
    reply: z.object({ key: keySummarySchema, pgmSeq: z.number().int(), slots: z.array(slotStatusSchema), recordRead: z.boolean() }),
  },
  /**
   * Programs a slot: OATH-HOTP from a vault account (SHA1, 6 or 8 digits, its counter as the initial
   * moving factor; the vault password again, as for every copy of a secret), or HMAC-SHA1
   * challenge-response with a given key or one generated here (returned once, so it can be kept).
   * A programmed slot is overwritten only with `overwrite`; otherwise KEY_CREDENTIAL_EXISTS.
   */
  'keys.program': {
    request: z.object({
      ...writeOptions,
      overwrite: z.boolean().default(false),
      /**
       * The vault password again, checked before the key is touched: the page sends it to overwrite a
       * programmed slot (PAGE_REAUTH_RULES); a HOTP account's `credential.vaultPassword` is that check.
       */
      vaultPassword: vaultPasswordSchema.optional(),
      /** Protects the new configuration with this access code. */
      newAccessCode: accessCode.optional(),
      credential: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('hotp'), accountId, vaultPassword: vaultPasswordSchema }),
        z.object({
          kind: z.literal('challenge-response'),
          /** Absent: a fresh random 20-byte key. */
          keyHex: hexBytes('an HMAC-SHA1 key', 1, 64).optional(),
          /** The key answers only after a touch. */
          touch: z.boolean().default(false),
        }),
      ]),
    }),
    reply: writeReply.extend({
      kind: z.enum(['hotp', 'challenge-response']),
      /** Only for a key generated by this request: shown once, never stored by Latchkey. */
      generatedKeyHex: z.string().optional(),
      /** HOTP: the counter the key starts from (the account's own). */
      counter: z.string().optional(),
    }),
  },
  /** HMAC-SHA1 challenge-response (what `ykman otp calculate` does); a touch slot waits for the touch (op.progress needsTouch). */
  'keys.challenge': {
    request: z.object({ ...keyChoice, slot: otpSlotSchema, challengeHex: hexBytes('a challenge', 0, 64), opId: opIdSchema.optional() }),
    reply: z.object({ key: keySummarySchema, responseHex: z.string() }),
  },
  /** Empties a slot; a programmed one only with `confirmed` (its secret, maybe Yubico's factory credential, is gone for good). */
  'keys.delete': {
    request: z.object({
      ...writeOptions,
      confirmed: z.boolean().default(false),
      /** The vault password again, checked before the key is touched (the page must send it to confirm: PAGE_REAUTH_RULES). */
      vaultPassword: vaultPasswordSchema.optional(),
    }),
    reply: writeReply,
  },
  /** Swaps slots 1 and 2 (undone by swapping again); the record follows. */
  'keys.swap': {
    request: z.object({ ...keyChoice, updateRecord: z.boolean().default(true), opId: opIdSchema.optional() }),
    reply: z.object({ key: keySummarySchema, pgmSeq: z.number().int(), recorded: z.boolean() }),
  },
  // ─── OATH credentials on a YubiKey or a Nitrokey 3 ─────────────────────────────────────────
  /** The credentials on the key (an NK3 with `auth.pin` lists its PIN-encrypted ones too). */
  'keys.credentials': {
    request: z.object(oathOptions),
    reply: z.object({
      key: keySummarySchema,
      capacity: z.number().int(),
      credentials: z.array(oathCredentialSchema),
      /** YubiKey: whether an access password is set (the panel offers set, change or clear); absent for a Nitrokey 3. */
      hasPassword: z.boolean().optional(),
      /** Nitrokey 3: whether a PIN is set and the tries it has left (0: blocked until a reset); absent for a YubiKey. */
      pin: z.object({ set: z.boolean(), attemptsRemaining: z.number().int().nullable() }).optional(),
      /**
       * True when the listing may miss credentials: a Nitrokey 3 with a PIN, listed without it, hides
       * its PIN-protected ones, so `credentials` is at least what it holds and the room left at most.
       */
      hiddenByPin: z.boolean().optional(),
    }),
  },
  /**
   * Codes computed on the key for the credentials `query` matches (as `code QUERY` matches accounts).
   * One match is always computed (a touch waits: op.progress needsTouch; a HOTP uses up a counter
   * value); several are computed where no touch or counter is involved, and the caller says AMBIGUOUS.
   */
  'keys.calculate': {
    request: z.object({ ...oathOptions, query: z.string(), at: z.number().int().optional() }),
    reply: z.object({ key: keySummarySchema, matches: z.array(keyCodeSchema) }),
  },
  /**
   * Copies vault accounts onto the key (the vault password again: their secrets leave the vault).
   * Every account is checked first (type, algorithm, digits, the name's byte limit, a clash, room):
   * one refusal writes nothing. Each TOTP written is verified by computing a code on the key and
   * comparing it with the vault's for the same moment.
   */
  'keys.put': {
    request: z.object({
      ...oathOptions,
      accountIds: z.array(accountId).min(1),
      vaultPassword: vaultPasswordSchema,
      /** Replace a credential of the same name instead of KEY_CREDENTIAL_EXISTS. */
      overwrite: z.boolean().default(false),
      /** The key computes a code only after a touch. */
      touch: z.boolean().default(false),
    }),
    reply: z.object({
      key: keySummarySchema,
      written: z.array(z.object({ accountId, credential: oathCredentialSchema, overwritten: z.boolean(), verified: z.boolean().nullable() })),
    }),
  },
  /** Deletes one credential, by its exact name. */
  'keys.deleteCredential': {
    /** `vaultPassword`: checked before the key is touched; the page must send it (PAGE_REAUTH_RULES), the CLI need not. */
    request: z.object({ ...oathOptions, name: z.string().min(1), vaultPassword: vaultPasswordSchema.optional() }),
    reply: z.object({ key: keySummarySchema, deleted: oathCredentialSchema }),
  },
  /** Gives a credential a new issuer and label (its period stays); where the firmware has RENAME (YubiKey ≥ 5.3.1, NK3). */
  'keys.rename': {
    request: z.object({ ...oathOptions, name: z.string().min(1), issuer: z.string().optional(), label: z.string().min(1) }),
    reply: z.object({ key: keySummarySchema, credential: oathCredentialSchema }),
  },
  /** Nitrokey 3 PIN: verify, set (none yet) or change; a wrong PIN is KEY_PIN_WRONG with the attempts left. */
  'keys.pin': {
    request: z.object({
      ...keyChoice,
      action: z.enum(['verify', 'set', 'change']),
      pin: z.string().min(1).optional(),
      newPin: z.string().min(1).optional(),
      opId: opIdSchema.optional(),
    }),
    reply: z.object({ key: keySummarySchema, attemptsRemaining: z.number().int().nullable() }),
  },
  /** YubiKey OATH access password: set (or change) or clear; the current one in `auth` when one is set. */
  'keys.password': {
    request: z.object({ ...oathOptions, action: z.enum(['set', 'clear']), newPassword: z.string().min(1).optional() }),
    reply: z.object({ key: keySummarySchema, hasPassword: z.boolean() }),
  },
  /** Erases every credential and the PIN or password. `confirmed` only after the user saw what goes. */
  'keys.reset': {
    /** `vaultPassword`: checked before the key is touched; the page must send it (PAGE_REAUTH_RULES), the CLI need not. */
    request: z.object({
      ...keyChoice,
      confirmed: z.literal(true, { error: 'a reset erases every credential: confirm it' }),
      vaultPassword: vaultPasswordSchema.optional(),
      opId: opIdSchema.optional(),
    }),
    reply: z.object({ key: keySummarySchema, erased: z.number().int().nullable() }),
  },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
