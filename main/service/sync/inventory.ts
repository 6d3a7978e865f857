import type { AccountMeta } from '../../../shared/account.js';
import type { KeyInventory, KeyWrites } from '../../vault/index.js';
import type { KeyObservation, SyncKeyKind } from './model.js';

/**
 * The inventory (issue 17, item 4): the sealed `key-inventory` record says, per key serial, which
 * vault account Latchkey put there under which name, when, and how it checked after writing; and
 * what the key listed when a sync last ended on it. Changes are computed here as new whole values
 * (the caller writes them inside a vault transaction); the views below read it.
 */
export type InventoryEntry = KeyInventory[string]['credentials'][string];

type KeyEntry = KeyInventory[string];

const keyEntry = (inventory: KeyInventory, serial: number, kind: SyncKeyKind): KeyEntry => inventory[String(serial)] ?? { kind, credentials: {} };

/** The inventory with `name` on key `serial` recorded as `entry` (a new value). */
export function withCredential(inventory: KeyInventory, serial: number, kind: SyncKeyKind, name: string, entry: InventoryEntry): KeyInventory {
  const key = keyEntry(inventory, serial, kind);
  return { ...inventory, [String(serial)]: { ...key, kind, credentials: { ...key.credentials, [name]: entry } } };
}

/** The inventory without `name` on key `serial`. */
export function withoutCredential(inventory: KeyInventory, serial: number, name: string): KeyInventory {
  const key = inventory[String(serial)];
  if (key?.credentials[name] === undefined) return inventory;
  const { [name]: _gone, ...kept } = key.credentials;
  return { ...inventory, [String(serial)]: { ...key, credentials: kept } };
}

/** The inventory with what key `serial` listed at the end of a sync. */
export function withListing(inventory: KeyInventory, serial: number, kind: SyncKeyKind, names: readonly string[], at: number): KeyInventory {
  const key = keyEntry(inventory, serial, kind);
  return { ...inventory, [String(serial)]: { ...key, listed: [...names].sort(), listedAt: at } };
}

export interface InventoryKeyView {
  readonly serial: number;
  readonly kind: SyncKeyKind;
  readonly lostAt?: number;
  readonly credentials: readonly ({ readonly name: string; readonly accountGone: boolean } & InventoryEntry)[];
}

export interface InventoryAccountView {
  readonly accountId: string;
  readonly issuer: string;
  readonly label: string;
  /** Serials of the OATH keys that hold it (lost keys excluded), in serial order. */
  readonly keys: readonly number[];
  /** Every target holding it: those OATH keys' serials, then `SERIAL/otp` for a YubiKey OTP slot Latchkey programmed with it. */
  readonly targets: readonly string[];
}

export interface InventoryView {
  readonly keys: readonly InventoryKeyView[];
  /** Every vault account, in list order, with the keys holding it (none: an empty list). */
  readonly accounts: readonly InventoryAccountView[];
}

/**
 * The inventory as `keys inventory` and the app show it: by key, and by account. An account's holders
 * include the YubiKey OTP slots the `key-writes` record says Latchkey programmed with it (a slot can't
 * be listed, so that record is all there is to know).
 */
export function describeInventory(inventory: KeyInventory, accounts: readonly AccountMeta[], keyWrites: KeyWrites = {}): InventoryView {
  const known = new Set(accounts.map((account) => account.id));
  const serials = Object.keys(inventory).sort((a, b) => Number(a) - Number(b));
  const keys = serials.flatMap((serial): InventoryKeyView[] => {
    const key = inventory[serial];
    if (key === undefined) return [];
    const credentials = Object.entries(key.credentials)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, entry]) => ({ name, accountGone: entry.keyOnly !== true && !known.has(entry.accountId), ...entry }));
    return [{ serial: Number(serial), kind: key.kind, ...(key.lostAt === undefined ? {} : { lostAt: key.lostAt }), credentials }];
  });
  const holders = new Map<string, number[]>();
  for (const key of keys) {
    if (key.lostAt !== undefined) continue;
    for (const credential of key.credentials) holders.set(credential.accountId, [...(holders.get(credential.accountId) ?? []), key.serial]);
  }
  const slots = new Map<string, string[]>();
  for (const serial of Object.keys(keyWrites).sort((a, b) => Number(a) - Number(b))) {
    for (const write of Object.values(keyWrites[serial] ?? {})) {
      if (write.kind !== 'hotp' || write.accountId === undefined) continue;
      const held = slots.get(write.accountId) ?? [];
      if (!held.includes(`${serial}/otp`)) slots.set(write.accountId, [...held, `${serial}/otp`]);
    }
  }
  return {
    keys,
    accounts: accounts.map((account) => {
      const oath = holders.get(account.id) ?? [];
      return { accountId: account.id, issuer: account.issuer, label: account.label, keys: oath, targets: [...oath.map(String), ...(slots.get(account.id) ?? [])] };
    }),
  };
}

/** One credential that differs between a key and its inventory. */
export interface DriftCell {
  readonly key: number;
  readonly name: string;
  /**
   * `added`: listed now, neither written by Latchkey nor listed at the last sync; `removed`: written
   * by Latchkey or listed at the last sync, gone now; `changed`: written by Latchkey, now of another
   * kind or touch flag, or computing another code than its vault account.
   */
  readonly change: 'added' | 'removed' | 'changed';
  readonly accountId?: string;
  readonly detail: string;
}

/**
 * How a key seen now differs from its inventory: what was added, removed or changed outside
 * Latchkey since a sync last ended on it. `vaultCodes` are the vault's codes at the moment the key
 * computed its own (observe.ts), by account id; a credential without a code on either side is
 * checked by kind and touch flag only. A key never synced has no drift.
 */
export function findDrift(inventory: KeyInventory, observed: KeyObservation, vaultCodes: ReadonlyMap<string, string>): DriftCell[] {
  const key = inventory[String(observed.serial)];
  if (key === undefined) return [];
  const now = new Map(observed.credentials.map((credential) => [credential.name, credential]));
  const before = new Set([...(key.listed ?? []), ...Object.keys(key.credentials)]);
  const cells: DriftCell[] = [];
  for (const name of [...before].sort()) {
    if (now.has(name)) continue;
    const entry = key.credentials[name];
    cells.push({ key: observed.serial, name, change: 'removed', ...(entry === undefined ? {} : { accountId: entry.accountId }), detail: 'no longer on the key' });
  }
  for (const credential of observed.credentials) {
    const entry = key.credentials[credential.name];
    if (entry === undefined) {
      if (!before.has(credential.name)) cells.push({ key: observed.serial, name: credential.name, change: 'added', detail: 'put on the key outside Latchkey' });
      continue;
    }
    const changed = (detail: string) => cells.push({ key: observed.serial, name: credential.name, change: 'changed', accountId: entry.accountId, detail });
    const vaultCode = vaultCodes.get(entry.accountId);
    if (credential.type !== entry.type) changed(`now a ${credential.type.toUpperCase()} credential; Latchkey wrote a ${entry.type.toUpperCase()} one`);
    else if (credential.touch !== undefined && credential.touch !== entry.touch) changed(credential.touch ? 'now asks for a touch' : 'no longer asks for a touch');
    else if (credential.code !== null && vaultCode !== undefined && credential.code !== vaultCode) changed('its code differs from the vault account’s: rewritten outside Latchkey');
  }
  return cells;
}
