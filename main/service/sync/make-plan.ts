import { LatchkeyError } from '../../../shared/errors.js';
import { targetOf, type AnyKeyObservation, type PlanOptions, type SyncPlan } from './model.js';
import type { SyncVault } from './key-only-vault.js';
import { observeOtpSlots, type OtpSyncKey } from './otp-key.js';
import { observeKey, type ObserveOptions, type SyncKey } from './observe.js';
import { planSync } from './plan.js';

export interface SyncPlanRequest {
  /** Account ids in the user's order. */
  readonly accounts: readonly string[];
  readonly options?: PlanOptions;
  readonly observe?: ObserveOptions;
}

/**
 * Looks at every chosen key (an OTP application: which slots are programmed) at one moment and plans (plan.ts): the keys compute their TOTP codes for
 * `nowMs` (any moment will do, the key is only given a time step) and the vault its own for the same
 * moment, so the comparison never straddles a 30-second step. Reads the vault, writes nothing.
 */
export async function makeSyncPlan(vault: SyncVault, keys: readonly (SyncKey | OtpSyncKey)[], request: SyncPlanRequest, nowMs: number): Promise<SyncPlan> {
  const time = Math.floor(nowMs / 1000);
  const { accounts } = vault.list();
  const known = new Set(accounts.map((account) => account.id));
  const unknown = request.accounts.find((id) => !known.has(id));
  if (unknown !== undefined) throw new LatchkeyError('NOT_FOUND', `no account ${unknown} in the vault`);
  // A YubiKey's OATH application and its OTP slots are two targets of one serial: both may be chosen.
  const targets = keys.map(targetOf);
  if (new Set(targets).size !== targets.length) throw new LatchkeyError('INVALID_REQUEST', 'the same key was chosen twice');
  const copies = request.options?.spread?.copies;
  if (copies !== undefined && (!Number.isInteger(copies) || copies < 1)) throw new LatchkeyError('INVALID_REQUEST', 'a spread keeps each account on at least 1 key');
  const observations: AnyKeyObservation[] = [];
  for (const key of keys) observations.push(key.kind === 'yubikey-otp' ? await observeOtpSlots(key) : await observeKey(key, time, request.observe));
  const wanted = new Set(request.accounts);
  const vaultCodes = new Map(accounts.filter((account) => wanted.has(account.id) && account.type === 'totp').map((account) => [account.id, vault.code(account.id, time * 1000).code]));
  // Only the OTP slots care how long a secret is; its bytes are never kept.
  const secretBytes = keys.some((key) => key.kind === 'yubikey-otp')
    ? new Map(accounts.filter((account) => wanted.has(account.id) && account.type === 'hotp').map((account) => [account.id, vault.withSecret(account.id, (stored) => stored.length)]))
    : undefined;
  return planSync({
    accounts,
    chosen: request.accounts,
    keys: observations,
    time,
    vaultCodes,
    inventory: vault.records.get('key-inventory') ?? {},
    keyWrites: vault.records.get('key-writes') ?? {},
    ...(secretBytes === undefined ? {} : { secretBytes }),
    progress: vault.records.get('sync-progress'),
    options: request.options ?? {},
  });
}
