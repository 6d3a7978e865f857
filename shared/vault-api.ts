import { z } from 'zod';
import { LIMITS } from './account.js';
import { keySerialSchema, otpSlotSchema } from './keys-api.js';
import { accountDraftInputSchema, accountDraftViewSchema, unixSecondsSchema, opIdSchema, vaultPasswordSchema as vaultPassword } from './wire.js';

/** Request and reply shapes of the vault and account channels. */
const password = z.string().min(1).max(1024);
const accountId = z.string().regex(/^[0-9a-f]{32}$/, { error: 'id must be 32 hex characters' });
const kdfView = z.object({ ops: z.number().int(), mem: z.number().int() });
const slotId = z.string().regex(/^[0-9a-f]{32}$/, { error: 'a slot id is 32 hex characters (see `latchkey vault slots`)' });
/** A key slot; a password+YubiKey one names the key that answers it (serial null when the key hides it). */
const slotView = z.object({
  id: z.string(),
  kind: z.string(),
  kdf: kdfView.optional(),
  key: z.object({ serial: keySerialSchema.nullable(), slot: otpSlotSchema }).optional(),
});

export const vaultStatusSchema = z.object({
  path: z.string(),
  exists: z.boolean(),
  locked: z.boolean(),
  unlockedBy: z.enum(['password', 'recovery']).optional(),
  accounts: z.number().int().optional(),
  manifest: z.enum(['ok', 'mismatch']).optional(),
  /** Which libsodium runs the vault: native (sodium-native) or the wasm fallback (libsodium.js). */
  backend: z.enum(['native', 'wasm']).optional(),
});
export type VaultStatus = z.infer<typeof vaultStatusSchema>;

export const keyringStatusSchema = z.object({
  usable: z.boolean(),
  reason: z.string().optional(),
  enabled: z.boolean(),
  passwordDueAt: z.number().int().nullable(),
});
export type KeyringStatus = z.infer<typeof keyringStatusSchema>;

/** What the renderer sees of an account: no secret, no note, no recovery codes. */
export const accountViewSchema = accountDraftViewSchema.omit({ secretBase32: true }).extend({
  id: accountId,
  tags: z.array(z.string()),
  icon: z.string().optional(),
  /** The current code; null for HOTP until the user asks for the next one. */
  code: z.string().nullable(),
  validFrom: z.number().int().nullable(),
  validUntil: z.number().int().nullable(),
});
export type AccountView = z.infer<typeof accountViewSchema>;

export const damagedRowSchema = z.object({ table: z.literal('entries'), id: z.string(), field: z.enum(['meta', 'seed', 'extra']) });

/** A QR code as its module grid (row-major '1'/'0'), drawn by the renderer as SVG: no image decoding, no data: URL. */
export const qrMatrixSchema = z.object({ size: z.number().int().min(21).max(177), modules: z.string().regex(/^[01]+$/) });
export type QrMatrix = z.infer<typeof qrMatrixSchema>;

const recoveryCodeSchema = z.object({ code: z.string().min(1).max(256), used: z.boolean() });
const tags = z.array(z.string().max(LIMITS.textMax)).max(LIMITS.tagsMax);

export const accountExtrasInputSchema = z.object({
  tags: tags.optional(),
  icon: z.string().max(256).optional(),
  note: z.string().max(65_536).optional(),
  recoveryCodes: z.array(z.string().min(1).max(256)).max(256).optional(),
});

const addOptions = {
  /** 'refuse': ACCOUNT_DUPLICATE when an account with the same secret and type is stored already. */
  onDuplicate: z.enum(['add', 'refuse']).default('add'),
};

export const vaultChannels = {
  'vault.status': { request: z.object({}), reply: vaultStatusSchema },
  'vault.create': {
    request: z.object({ password, kdf: kdfView.optional(), opId: opIdSchema.optional() }),
    reply: z.object({ path: z.string(), recoveryKey: z.string(), kdf: kdfView }),
  },
  'vault.unlock': {
    request: z.union([z.object({ password, opId: opIdSchema.optional() }), z.object({ recoveryKey: z.string().min(1).max(256) })]),
    reply: vaultStatusSchema,
  },
  'vault.lock': { request: z.object({}), reply: vaultStatusSchema },
  /**
   * Each password+YubiKey slot is re-made under a fresh challenge on its key (a touch each: `opId`
   * hears the waits). A slot whose key is not plugged in is KEY_NOT_FOUND (details.slots), nothing
   * changed, unless `dropMissingKeySlots`: then it is removed.
   */
  'vault.changePassword': {
    request: z.object({ current: password.optional(), next: password, dropMissingKeySlots: z.boolean().default(false), opId: opIdSchema.optional() }),
    reply: z.object({ kdf: kdfView, rechallenged: z.number().int(), droppedKeySlots: z.array(z.string()) }),
  },
  /**
   * Adds a password+YubiKey slot answered by a challenge-response slot of the key (`serial` when
   * several are plugged in; `slot`, else 2 then 1), after the vault password again; a touch if the
   * slot wants one. `removePasswordSlot` removes the plain password slot too (refused without a
   * recovery slot: the recovery key is the way in when the key is lost).
   */
  'vault.addKeySlot': {
    request: z.object({
      password,
      serial: keySerialSchema.optional(),
      slot: otpSlotSchema.optional(),
      removePasswordSlot: z.boolean().default(false),
      opId: opIdSchema.optional(),
    }),
    reply: z.object({ slot: slotView, passwordSlotRemoved: z.boolean(), recoverySlot: z.boolean(), slots: z.array(slotView) }),
  },
  /** Removes a key slot after the vault password again; never the last way in (USAGE says why). */
  'vault.removeSlot': {
    request: z.object({ password, slotId, opId: opIdSchema.optional() }),
    reply: z.object({ removed: slotView, slots: z.array(slotView) }),
  },
  'vault.verify': {
    /** Accepting (re-signing) rows that disagree with the manifest needs the vault password again. */
    request: z.object({ acceptCurrentRows: z.boolean().default(false), vaultPassword: vaultPassword.optional(), opId: opIdSchema.optional() }),
    reply: z.object({ rows: z.number().int(), damaged: z.array(damagedRowSchema), manifest: z.enum(['ok', 'mismatch']) }),
  },
  'vault.recoveryKey': { request: z.object({ password, opId: opIdSchema.optional() }), reply: z.object({ recoveryKey: z.string() }) },
  /**
   * First run's "Save as a file…": main asks where (the page names no path) and writes a new 0600
   * file holding only a recovery key, 56 Base32 characters in groups of four; nothing else is written.
   */
  'vault.saveRecoveryKey': {
    request: z.object({ recoveryKey: z.string().regex(/^([A-Z2-7]{4}-){13}[A-Z2-7]{4}$/, { error: 'that is not a recovery key' }) }),
    reply: z.object({ file: z.string() }),
  },
  /** `opId`: its stages as op.progress, and op.cancel stops it before anything is written (CANCELLED, the vault as it was). */
  'vault.rekey': { request: z.object({ password, opId: opIdSchema.optional() }), reply: z.object({ recoveryKey: z.string() }) },
  'vault.slots': {
    request: z.object({}),
    reply: z.object({ slots: z.array(slotView) }),
  },
  /**
   * The OS-keyring slot (SECURITY-NOTES §1). `usable: false` with the reason where the desktop offers
   * no real keyring (none at all, or Linux's basic_text backend). `enabled`: this vault has the slot
   * and the keyring holds its device key. `passwordDueAt` (unix seconds, while unlocked): from then
   * on the keyring unlocks nothing until the password is typed again.
   */
  'vault.keyring.status': { request: z.object({}), reply: keyringStatusSchema },
  /** Turns the keyring slot on, after the vault password again. */
  'vault.keyring.enable': { request: z.object({ password, opId: opIdSchema.optional() }), reply: keyringStatusSchema },
  /** Turns it off (the slot and the keyring's copy go), after the vault password again. */
  'vault.keyring.disable': { request: z.object({ password, opId: opIdSchema.optional() }), reply: keyringStatusSchema },
  /** Unlocks with the device key the keyring gives back: VAULT_LOCKED {reason: 'password-due'} 7 days after the password was last typed. */
  'vault.unlockWithKeyring': { request: z.object({}), reply: vaultStatusSchema },
  'accounts.list': {
    request: z.object({
      query: z.string().max(256).optional(),
      /** The moment the codes are for (unix seconds; the service clock when absent). CLI only: the page never asks for future codes. */
      at: unixSecondsSchema.optional(),
    }),
    /** `damaged` names every row that fails to open: its listing ('meta', not in `accounts`) or its seed ('seed', listed with no code). */
    reply: z.object({ accounts: z.array(accountViewSchema), damaged: z.array(damagedRowSchema) }),
  },
  'accounts.add': {
    request: z.union([
      // `issuer` and `label`, when given with a URI, replace the URI's own.
      z.object({ uri: z.string().max(16_384), issuer: z.string().max(LIMITS.textMax).optional(), label: z.string().max(LIMITS.textMax).optional(), ...addOptions }).extend(accountExtrasInputSchema.shape),
      z.object({ account: accountDraftInputSchema, ...addOptions }).extend(accountExtrasInputSchema.shape),
    ]),
    reply: z.object({ account: accountViewSchema, warnings: z.array(z.string()) }),
  },
  'accounts.update': {
    request: z.object({
      id: accountId,
      patch: z.object({
        issuer: z.string().max(LIMITS.textMax).optional(),
        label: z.string().max(LIMITS.textMax).optional(),
        tags: tags.optional(),
        icon: z.string().max(256).optional(),
        note: z.string().max(65_536).optional(),
      }),
    }),
    reply: z.object({ account: accountViewSchema }),
  },
  /** Removes at once; the account is kept in main's memory (not on disk) until `undoUntil` or the next lock. */
  'accounts.remove': {
    request: z.object({ id: accountId }),
    reply: z.object({ removed: accountId, undoUntil: z.number().int().nullable() }),
  },

  /**
   * CLI only: deletes an account whose sealed fields no longer open (`vault verify` names it by id;
   * no listing can show it). No undo, so the vault password again. NOT_FOUND if that account opens.
   */
  'accounts.removeDamaged': {
    request: z.object({ id: accountId, vaultPassword }),
    reply: z.object({ removed: accountId, fields: z.array(z.enum(['meta', 'seed', 'extra'])) }),
  },
  /** Puts the last removed account back where it was; NOT_FOUND once the undo window has passed. */
  'accounts.undoRemove': { request: z.object({ id: accountId }), reply: z.object({ account: accountViewSchema }) },
  /**
   * What the details screen shows on request: the note, how many recovery codes there are (not the
   * codes: those only through `accounts.recoveryCodes` 'list'), and the dates. Never the secret.
   */
  'accounts.details': {
    request: z.object({ id: accountId }),
    reply: z.object({
      note: z.string(),
      recoveryCodes: z.object({ total: z.number().int().min(0), unused: z.number().int().min(0) }),
      createdAt: z.number().int(),
      updatedAt: z.number().int(),
    }),
  },
  'accounts.reorder': { request: z.object({ ids: z.array(accountId).max(100_000) }), reply: z.object({}) },
  /** The secret, after the password again: as text and as the QR code of its otpauth:// URI (not the URI itself). */
  'accounts.reveal': {
    request: z.object({ id: accountId, password, opId: opIdSchema.optional() }),
    reply: z.object({ secretBase32: z.string(), qr: qrMatrixSchema }),
  },
  /** The codes that follow the current ones, for the preview shown in a code's last seconds (TOTP/Steam only). */
  'accounts.nextCodes': {
    request: z.object({ ids: z.array(accountId).max(10_000) }),
    reply: z.object({ codes: z.array(z.object({ id: accountId, code: z.string(), validFrom: z.number().int() })) }),
  },
  'accounts.nextHotp': {
    request: z.object({ id: accountId, peek: z.boolean().default(false) }),
    reply: z.object({ account: accountViewSchema }),
  },
  'accounts.copyCode': {
    request: z.object({ id: accountId }),
    reply: z.object({
      copied: z.boolean(),
      clearsAt: z.number().int().nullable(),
      /** A HOTP code is made by the copy (the counter moves), so the row can show it too; null for TOTP/Steam. */
      hotpCode: z.string().nullable(),
    }),
  },
  /**
   * A site's recovery codes: listed only with the vault password again; adding and marking used
   * answer with counts, so no action but 'list' yields a code.
   */
  'accounts.recoveryCodes': {
    request: z.discriminatedUnion('action', [
      z.object({ id: accountId, action: z.literal('list'), vaultPassword, opId: opIdSchema.optional() }),
      z.object({ id: accountId, action: z.literal('add'), codes: z.array(z.string().min(1).max(256)).min(1).max(256) }),
      z.object({ id: accountId, action: z.literal('markUsed'), code: z.string().min(1).max(256) }),
    ]),
    reply: z.object({
      /** Only for 'list'. */
      codes: z.array(recoveryCodeSchema).optional(),
      total: z.number().int().min(0),
      unused: z.number().int().min(0),
    }),
  },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
