import type { AccountMeta } from '../../../shared/account.js';
import { LatchkeyError } from '../../../shared/errors.js';
import type { KeyInventory } from '../../vault/index.js';
import type { PlanOptions } from './model.js';

/** A credential of the lost key that the vault can't put on the new one, and why. */
export interface RebuildImpossible {
  readonly name: string;
  readonly accountId: string;
  readonly reason: string;
}

/** What a rebuild asks the planner for: the lost key's accounts in its name order, each with its touch flag. */
export interface RebuildRequest {
  readonly accounts: readonly string[];
  readonly options: PlanOptions;
  readonly impossible: readonly RebuildImpossible[];
}

/**
 * A lost key's replacement (issue 17, item 5), as a sync request: every account the inventory says
 * Latchkey put on the lost key, with the touch flag it was written with; the new key then gets the
 * same credentials through the same plan and apply path (names come from the vault accounts, so they
 * are the lost key's unless the account was renamed since). A credential whose vault account is gone
 * can't be rebuilt: a key's secrets can't be read back, and only the vault had them. A HOTP account
 * goes on the new key by the usual rule: the new key is the only one chosen, so it is its one place.
 */
export function rebuildRequest(inventory: KeyInventory, accounts: readonly AccountMeta[], from: number, to: number): RebuildRequest {
  if (from === to) throw new LatchkeyError('INVALID_REQUEST', 'a key is rebuilt onto another key: --from and --to name the same serial');
  const lost = inventory[String(from)];
  if (lost === undefined) throw new LatchkeyError('NOT_FOUND', `the inventory has no key ${String(from)}: Latchkey never synced accounts onto it`, { serial: from });
  const known = new Set(accounts.map((account) => account.id));
  const chosen: string[] = [];
  const touchByAccount: Record<string, boolean> = {};
  const impossible: RebuildImpossible[] = [];
  for (const [name, entry] of Object.entries(lost.credentials).sort(([a], [b]) => a.localeCompare(b))) {
    if (entry.keyOnly === true) {
      impossible.push({ name, accountId: entry.accountId, reason: 'it was put on the key with --key-only: the vault never had its secret, so it can’t be rebuilt' });
      continue;
    }
    if (!known.has(entry.accountId)) {
      impossible.push({ name, accountId: entry.accountId, reason: 'its account is no longer in the vault, and a key’s secret can’t be read back: it can’t be rebuilt' });
      continue;
    }
    if (chosen.includes(entry.accountId)) continue;
    chosen.push(entry.accountId);
    touchByAccount[entry.accountId] = entry.touch;
  }
  return { accounts: chosen, options: { touchByAccount }, impossible };
}

/** The inventory with the lost key marked so (its entries kept: what it held is still worth knowing; no account counts it as a holder). */
export function markedLost(inventory: KeyInventory, serial: number, at: number): KeyInventory {
  const key = inventory[String(serial)];
  if (key === undefined || key.lostAt !== undefined) return inventory;
  return { ...inventory, [String(serial)]: { ...key, lostAt: at } };
}
