import type { VaultSession } from '../../vault/index.js';
import { describeInventory, findDrift, type DriftCell, type InventoryView } from './inventory.js';
import { observeKey, type SyncKey } from './observe.js';

export interface InventoryReport extends InventoryView {
  /** The keys looked at now (serials); drift is known only for these. */
  readonly seen: readonly number[];
  readonly drift: readonly DriftCell[];
}

/**
 * The inventory, with the drift of every key plugged in now: each is listed and computes its TOTP
 * codes at `nowMs` without a touch, and the vault its own for the same moment. Reads only.
 */
export async function inspectInventory(vault: VaultSession, keys: readonly SyncKey[], nowMs: number): Promise<InventoryReport> {
  const time = Math.floor(nowMs / 1000);
  const inventory = vault.records.get('key-inventory') ?? {};
  const { accounts } = vault.list();
  const written = new Set(Object.values(inventory).flatMap((key) => Object.values(key.credentials).map((entry) => entry.accountId)));
  const vaultCodes = new Map(accounts.filter((account) => account.type === 'totp' && written.has(account.id)).map((account) => [account.id, vault.code(account.id, time * 1000).code]));
  const drift: DriftCell[] = [];
  for (const key of keys) drift.push(...findDrift(inventory, await observeKey(key, time), vaultCodes));
  return { ...describeInventory(inventory, accounts, vault.records.get('key-writes') ?? {}), seen: keys.map((key) => key.serial), drift };
}
