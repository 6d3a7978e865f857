import { z } from 'zod';
import { autoBackupFailureSchema, backupVerificationSchema } from '../../shared/backup-api.js';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../shared/settings-api.js';

/**
 * Field by field: one bad stored value (an older range, a hand edit) falls back alone to its
 * default, and a value that is no object at all gives the defaults. Settings never fail to read.
 */
const settingsRecord = z.unknown().transform((stored): Settings => {
  const record = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  const settings = { ...DEFAULT_SETTINGS };
  for (const field of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    const parsed = settingsSchema.shape[field].safeParse(record[field]);
    if (parsed.success) Object.assign(settings, { [field]: parsed.data });
  }
  return settings;
});

/** A YubiKey OTP slot we wrote: the key can't be read back, so this record is what says what is on it. */
const keySlotWrite = z.object({
  /** The vault account whose secret went into the slot; absent for a slot not tied to one (a challenge-response secret made for unlock). */
  accountId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  kind: z.enum(['hotp', 'challenge-response']),
  /** Unix seconds, like every other time in the records. */
  writtenAt: z.number().int(),
  /** Whether the slot was written to ask for a touch before it answers. */
  touch: z.boolean(),
});

const SERIAL = z.string().regex(/^\d{1,10}$/);
const ACCOUNT_ID = z.string().regex(/^[0-9a-f]{32}$/);

/** One OATH credential Latchkey wrote to a key (service/sync): no secret, only what was written and how it checked. */
const inventoryCredential = z.object({
  /** The vault account it came from. */
  accountId: ACCOUNT_ID,
  type: z.enum(['totp', 'hotp']),
  touch: z.boolean(),
  /** Unix seconds. */
  writtenAt: z.number().int(),
  /** After writing: the key's code matched the vault's (TOTP), or the credential was listed (HOTP, touch). */
  check: z.enum(['code-match', 'present']),
  /** Put on the key straight from an import or a QR (`--key-only`): `accountId` names no vault account, and the vault can't rebuild it. Absent in older records. */
  keyOnly: z.literal(true).optional(),
});

/** One credential of an unfinished sync: `writing` once its PUT (or DELETE, RENAME) was sent, `done` once checked. */
const syncStep = z.object({
  /**
   * The target (shared/sync-target.ts): a serial for an OATH key, `SERIAL/otp` for a YubiKey's OTP
   * slots. Records from before targets named an OTP slot's step by the bare serial (it has `slot`).
   */
  key: z.string().regex(/^\d{1,10}(?:\/otp)?$/),
  /** The credential's name on the key (`[period/][issuer:]account`); a rename's new name. */
  name: z.string(),
  action: z.enum(['add', 'overwrite', 'remove', 'rename']),
  accountId: ACCOUNT_ID.optional(),
  /** A rename's old name. */
  from: z.string().optional(),
  /** A YubiKey OTP slot's number, for a step that programs or empties one. */
  slot: z.union([z.literal(1), z.literal(2)]).optional(),
  state: z.enum(['pending', 'writing', 'done']),
});

/**
 * Every kind of sealed record the vault keeps, by the name its row id is derived from, with the
 * schema a stored value must pass to be read back (`records.get` gives it typed, or undefined).
 * A record is written whole; a new kind is a new name here, and needs no format change.
 */
export const RECORD_KINDS = {
  /** The app's preferences (settings-api.ts). */
  settings: settingsRecord,
  /** Automatic backups: on when present (the backup password too: it is only as safe as the vault, by design). */
  'auto-backup-settings': z.object({ folder: z.string(), password: z.string(), keep: z.number().int() }),
  /** The last automatic backup written (unix seconds). */
  'auto-backup-last': z.object({ at: z.number().int(), file: z.string(), verified: z.boolean() }),
  /** The last automatic backup that failed, so a later process (every CLI command is one) sees it too. */
  'auto-backup-failure': autoBackupFailureSchema,
  /** The last `backup verify` (by hand or after an automatic backup). */
  'backup-verification': backupVerificationSchema,
  /**
   * What was written to which hardware key: by key serial (decimal), then by YubiKey OTP slot.
   * The OATH keys' inventory and a resumable sync are their own kinds below.
   */
  'key-writes': z.record(z.string().regex(/^\d{1,10}$/), z.partialRecord(z.enum(['1', '2']), keySlotWrite)),
  /**
   * Which vault account Latchkey put on which OATH key (by serial, then credential name), when, and how
   * it checked after writing (service/sync/inventory.ts). `lostAt`: the key was declared lost.
   */
  'key-inventory': z.record(
    SERIAL,
    z.object({
      kind: z.enum(['yubikey-oath', 'nitrokey3']),
      lostAt: z.number().int().optional(),
      credentials: z.record(z.string(), inventoryCredential),
      /** Every name the key listed when a sync last ended on it: what is added or removed since is drift. */
      listed: z.array(z.string()).optional(),
      /** Unix seconds of that listing. */
      listedAt: z.number().int().optional(),
    }),
  ),
  /**
   * The sync being applied (service/sync/apply.ts): present only while one is unfinished (an unplug,
   * a cancel, a crash), so a rerun knows which writes may have been cut short and which chosen
   * removals and renames are still to do.
   */
  'sync-progress': z.object({ startedAt: z.number().int(), steps: z.array(syncStep) }),
  /**
   * YubiKey OATH access passwords the user asked Latchkey to remember (`--remember-key-password`), by
   * key serial: the 16-byte access key derived from the password and the key's salt (what VALIDATE
   * needs, and only for that key until its next reset), never the password itself.
   */
  'yubikey-oath-access': z.record(z.string().regex(/^\d{1,10}$/), z.object({ accessKeyHex: z.string().regex(/^[0-9a-f]{32}$/), savedAt: z.number().int() })),
  /**
   * The keyring slot (SECURITY-NOTES §1): its id, and when the password was last typed (unix seconds):
   * a keyring unlock more than 7 days after that asks for the password instead.
   */
  'keyring-slot': z.object({ slotId: z.string().regex(/^[0-9a-f]{32}$/), passwordTypedAt: z.number().int() }),
  /**
   * Which key answers each password+YubiKey slot, by vault slot id (hex): its serial (null when the key
   * hides it) and challenge-response slot. A password change re-challenges each slot on that key.
   */
  'yubikey-unlock-slots': z.record(
    z.string().regex(/^[0-9a-f]{32}$/),
    z.object({ serial: z.number().int().min(0).nullable(), slot: z.union([z.literal(1), z.literal(2)]), addedAt: z.number().int() }),
  ),
} as const satisfies Record<string, z.ZodType>;

export type RecordKind = keyof typeof RECORD_KINDS;
export type RecordValue<K extends RecordKind> = z.output<(typeof RECORD_KINDS)[K]>;
export type KeyWrites = RecordValue<'key-writes'>;
export type KeyInventory = RecordValue<'key-inventory'>;
export type SyncProgress = RecordValue<'sync-progress'>;

/**
 * What reading a record found. `misshapen` is a value that opened but fails its kind's schema (a
 * record written by another version, a bug): a typed outcome, never a throw.
 */
export type RecordRead<T> =
  | { readonly state: 'absent' }
  | { readonly state: 'ok'; readonly value: T }
  | { readonly state: 'damaged' }
  | { readonly state: 'misshapen'; readonly problem: string };

/** Reads records: outside a transaction from `session.records`, inside one from `tx.records`. */
export interface RecordReader {
  /** The value when one is stored and passes its schema; undefined otherwise (`read` says which). */
  get<K extends RecordKind>(kind: K): RecordValue<K> | undefined;
  read<K extends RecordKind>(kind: K): RecordRead<RecordValue<K>>;
}

/** Writes records, inside a transaction (`tx.records`). */
export interface RecordStore extends RecordReader {
  /** Stores `value` (checked against its schema: a wrong shape is a bug, thrown before anything is written). */
  put<K extends RecordKind>(kind: K, value: RecordValue<K>): void;
  /**
   * Forgets the value: a sealed null at the next revision, not a deleted row, so an older copy of the
   * row can't be put back and still pass the manifest.
   */
  clear(kind: RecordKind): void;
}

/** The stored JSON, judged by its kind's schema; a stored null (a cleared record) is absent. */
export function judgeRecord<K extends RecordKind>(kind: K, stored: unknown): RecordRead<RecordValue<K>> {
  if (stored === null) return { state: 'absent' };
  const parsed = RECORD_KINDS[kind].safeParse(stored);
  if (!parsed.success) return { state: 'misshapen', problem: `the ${kind} record does not have the expected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  return { state: 'ok', value: parsed.data as RecordValue<K> };
}

/** A value about to be stored, checked by its kind's schema (what comes back out is what goes in). */
export function checkedRecord<K extends RecordKind>(kind: K, value: RecordValue<K>): RecordValue<K> {
  return RECORD_KINDS[kind].parse(value) as RecordValue<K>;
}
