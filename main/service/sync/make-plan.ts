import type { VaultSession } from '../../vault/index.js';
import type { PlanOptions, SyncPlan } from './model.js';
import { observeKey, type ObserveOptions, type SyncKey } from './observe.js';
import { planSync } from './plan.js';

export interface SyncPlanRequest {
  /** Account ids in the user's order. */
  readonly accounts: readonly string[];
  readonly options?: PlanOptions;
  readonly observe?: ObserveOptions;
}

/**
 * Looks at every chosen key at one moment and plans (plan.ts): the keys compute their TOTP codes for
 * `nowMs` (any moment will do, the key is only given a time step) and the vault its own for the same
 * moment, so the comparison never straddles a 30-second step. Reads the vault, writes nothing.
 */
export async function makeSyncPlan(vault: VaultSession, keys: readonly SyncKey[], request: SyncPlanRequest, nowMs: number): Promise<SyncPlan> {
  const time = Math.floor(nowMs / 1000);
  const observations = [];
  for (const key of keys) observations.push(await observeKey(key, time, request.observe));
  const { accounts } = vault.list();
  const wanted = new Set(request.accounts);
  const vaultCodes = new Map(accounts.filter((account) => wanted.has(account.id) && account.type === 'totp').map((account) => [account.id, vault.code(account.id, time * 1000).code]));
  return planSync({
    accounts,
    chosen: request.accounts,
    keys: observations,
    time,
    vaultCodes,
    inventory: vault.records.get('key-inventory') ?? {},
    progress: vault.records.get('sync-progress'),
    options: request.options ?? {},
  });
}
