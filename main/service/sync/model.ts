/**
 * The values of a sync (issue 17): what a key was seen holding, what the planner was asked, and the
 * plan it answers with. Plain data; the rules live in plan.ts and spread.ts, the I/O in observe.ts
 * and apply.ts.
 */
import type { AccountMeta } from '../../../shared/account.js';
import type { OathAlgorithm, OathDialect, OathType, OathVersion } from '../../keys/oath/index.js';
import type { KeyInventory, KeyWrites, SyncProgress } from '../../vault/index.js';
import { parseSyncTarget, syncTargetId, syncTargetLabel } from '../../../shared/sync-target.js';

export type SyncKeyKind = 'yubikey-oath' | 'nitrokey3';

/**
 * The target id (shared/sync-target.ts) of a key seen or opened for a sync: `SERIAL` for an OATH
 * application, `SERIAL/otp` for a YubiKey's OTP slots. A YubiKey's two applications share its
 * serial, so cells, room, choices, the progress record's steps and apply's lookups go by this id.
 */
export function targetOf(key: { readonly serial: number; readonly kind: SyncKeyKind | 'yubikey-otp' }): string {
  return syncTargetId({ serial: key.serial, application: key.kind === 'yubikey-otp' ? 'otp' : 'oath' });
}

/** A target given as a serial (its OATH application) or as an id, as its canonical id; one that is none is left as it is (it matches no key). */
export function canonicalTarget(value: number | string): string {
  const target = parseSyncTarget(value);
  return target === null ? String(value) : syncTargetId(target);
}

/** How a target is named in a sentence: `key 12345678`, `key 12345678's OTP slots`. */
export function targetLabel(target: string): string {
  const parsed = parseSyncTarget(target);
  return parsed === null ? `key ${target}` : syncTargetLabel(parsed);
}

/**
 * The target a `sync-progress` step was written for. Records written before targets carried the
 * application named a YubiKey OTP slot's step by the bare serial; such a step always has its `slot`.
 */
export function stepTarget(step: SyncProgress['steps'][number]): string {
  return step.slot !== undefined && !step.key.includes('/') ? `${step.key}/otp` : step.key;
}

/** One credential as a key listed it, with the code it computed at the plan's moment when it could without asking anything. */
export interface ObservedCredential {
  /** The id as text, `[period/][issuer:]account`. */
  readonly name: string;
  readonly type: OathType;
  /** From LIST (YubiKey, NK3); undefined when the key did not say. */
  readonly algorithm: OathAlgorithm | undefined;
  readonly touch: boolean | undefined;
  readonly pinProtected: boolean | undefined;
  /** The key's code at the plan's `time`, or null: HOTP (a counter would be used up), touch or PIN not allowed. */
  readonly code: string | null;
}

/** What one key held when looked at: its identity, its limits and its listing. */
export interface KeyObservation {
  readonly serial: number;
  readonly kind: SyncKeyKind;
  readonly version: OathVersion;
  /** The most credentials it holds (32/64 by YubiKey firmware, 50 on an NK3). */
  readonly capacity: number;
  /** Name byte limit and what this firmware refuses. */
  readonly dialect: Pick<OathDialect, 'idByteLimit' | 'refuseCredential' | 'product'>;
  readonly credentials: readonly ObservedCredential[];
  /**
   * True for a Nitrokey 3 with a PIN looked at without it: its PIN-encrypted credentials are missing
   * from the listing, so `credentials` counts at least what it holds, and its free room is at most
   * what that leaves.
   */
  readonly pinHidesCredentials?: boolean;
}

/**
 * A YubiKey's OTP application as a sync target for HOTP accounts: two slots, whose contents can't be
 * read back; what Latchkey wrote there is the vault's `key-writes` record.
 */
export interface OtpSlotsObservation {
  readonly serial: number;
  readonly kind: 'yubikey-otp';
  /** Whether each slot is programmed (undefined: firmware before 2.1 does not say). */
  readonly slots: readonly { readonly slot: 1 | 2; readonly configured: boolean | undefined }[];
}

export type AnyKeyObservation = KeyObservation | OtpSlotsObservation;

/** A cell the user opted into (a removal, a rename, an overwrite of a credential Latchkey did not write). */
export interface CellRef {
  /** The target: a serial (its OATH application) or a target id (`SERIAL/otp`). */
  readonly key: number | string;
  readonly name: string;
}

export interface PlanOptions {
  /** New credentials ask for a touch before each code (default false). */
  readonly touch?: boolean;
  /**
   * Spread the accounts over the keys instead of putting each on all of them (see spread.ts for the
   * rule): each account on `copies` keys where there is room.
   */
  readonly spread?: { readonly copies: number };
  /** Let a HOTP account go on more than one key (default: one key only; see plan.ts). */
  readonly hotpOnSeveralKeys?: boolean;
  /** A touch flag per account id, over `touch` (a rebuild keeps each credential's flag from the lost key). */
  readonly touchByAccount?: Readonly<Record<string, boolean>>;
  /** Opt-in cells to apply too. */
  readonly choose?: readonly CellRef[];
}

/** Everything the pure planner needs; observe.ts gathers it. */
export interface PlanInput {
  /** Every vault account (to tell a key's own credentials from the vault's), in list order. */
  readonly accounts: readonly AccountMeta[];
  /** The accounts to put on the keys, by id, in the user's order. */
  readonly chosen: readonly string[];
  /** The chosen keys, in the user's order. */
  readonly keys: readonly AnyKeyObservation[];
  /** Unix seconds at which the keys' codes were computed. */
  readonly time: number;
  /** The vault's code of each chosen TOTP account at `time`. */
  readonly vaultCodes: ReadonlyMap<string, string>;
  readonly inventory: KeyInventory;
  /** Secret lengths (bytes) of chosen HOTP accounts, for the OTP slots' key size (absent: not checked). */
  readonly secretBytes?: ReadonlyMap<string, number>;
  /** What Latchkey wrote to YubiKey OTP slots (absent: nothing). */
  readonly keyWrites?: KeyWrites;
  /** An unfinished earlier sync, if any. */
  readonly progress: SyncProgress | undefined;
  readonly options: PlanOptions;
}

/**
 * What to do with one account on one key:
 * - `add`: the key lacks it; `overwrite`: the key holds the name with something else (delete then put);
 * - `identical`: the same code (or, for HOTP, touch and PIN-protected ones, the same name and kind);
 * - `key-only`: on the key, not in the vault: shown, never imported, never deleted;
 * - `remove` / `rename`: the vault account Latchkey put there was deleted / renamed;
 * - `unsupported`: this key can't hold it (`reason` says why);
 * - `skip`: it could, but the plan puts it elsewhere (a HOTP account's one key, a spread, no room).
 */
export type CellAction = 'add' | 'overwrite' | 'identical' | 'key-only' | 'remove' | 'rename' | 'unsupported' | 'skip';

export interface PlanCell {
  /** The key's serial. */
  readonly key: number;
  /** The target's id (targetOf): what tells a YubiKey's OATH cells from its OTP slots' cells. */
  readonly target: string;
  /** The credential's name on the key (a rename's new name). */
  readonly name: string;
  readonly action: CellAction;
  readonly accountId?: string;
  readonly type?: OathType;
  /** A rename's current name on the key. */
  readonly from?: string;
  /** For writes: whether the credential will ask for a touch. */
  readonly touch?: boolean;
  /** How `identical` or `overwrite` was decided: by the key's code, by its listing only, or (OTP slots) by the key-writes record. */
  readonly compared?: 'code' | 'listing' | 'record';
  /** A YubiKey OTP slot (its cells are named by account, or `slot N` for a slot's own content). */
  readonly slot?: 1 | 2;
  readonly reason?: string;
  /** Proposed only: applied when the user chooses it (`options.choose`), or an unfinished sync had it chosen. */
  readonly optIn?: boolean;
  readonly chosen?: boolean;
}

/** A key's room: what it holds now and would hold after the plan. */
export interface KeyRoom {
  readonly key: number;
  readonly target: string;
  readonly capacity: number;
  readonly held: number;
  readonly after: number;
  readonly fits: boolean;
  /** `held` and `after` are lower bounds (and the free room an upper one): the key hid its PIN-protected credentials. */
  readonly hiddenByPin?: boolean;
}

export interface SyncPlan {
  readonly time: number;
  /** Keys in the user's order; for each, the chosen accounts in the user's order, then the key's own. */
  readonly cells: readonly PlanCell[];
  readonly room: readonly KeyRoom[];
  /** False when some key would be over its capacity: nothing is written; spreading is offered. */
  readonly fits: boolean;
  readonly warnings: readonly string[];
}

/** Whether applying the plan writes this cell. */
export function willWrite(cell: PlanCell): boolean {
  switch (cell.action) {
    case 'add':
    case 'overwrite':
    case 'remove':
    case 'rename':
      return cell.optIn !== true || cell.chosen === true;
    default:
      return false;
  }
}
