import type { AccountMeta } from '../../../shared/account.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { parseSyncTarget, syncTargetId } from '../../../shared/sync-target.js';
import type { KeyInventory, KeyWrites } from '../../vault/index.js';
import { targetLabel, type PlanOptions } from './model.js';

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
  /** What the plan can't see: a HOTP account the new key gets that another key (or OTP slot) still holds. */
  readonly warnings: readonly string[];
}

/**
 * A lost key's replacement (issue 17, item 5), as a sync request: every account the inventory says
 * Latchkey put on the lost key, with the touch flag it was written with; the new key then gets the
 * same credentials through the same plan and apply path (names come from the vault accounts, so they
 * are the lost key's unless the account was renamed since). A credential whose vault account is gone
 * can't be rebuilt: a key's secrets can't be read back, and only the vault had them. A HOTP account
 * goes on the new key by the usual rule: the new key is the only one chosen, so it is its one place.
 */
export function rebuildRequest(inventory: KeyInventory, accounts: readonly AccountMeta[], from: number, to: number | string, keyWrites: KeyWrites = {}): RebuildRequest {
  const target = parseSyncTarget(to);
  if (target === null) throw new LatchkeyError('INVALID_REQUEST', `--to names no key: "${String(to)}"`);
  if (target.serial === from) throw new LatchkeyError('INVALID_REQUEST', 'a key is rebuilt onto another key: --from and --to name the same serial');
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
  // What the lost key held is restored, HOTP included, even where it is elsewhere too: hotpElsewhere says so.
  return { accounts: chosen, options: { touchByAccount, hotpOnSeveralKeys: true }, impossible, warnings: hotpElsewhere(chosen, accounts, { inventory, keyWrites, from, to: syncTargetId(target) }) };
}

interface Holders {
  readonly inventory: KeyInventory;
  readonly keyWrites: KeyWrites;
  readonly from: number;
  /** The new key's target id. */
  readonly to: string;
}

/**
 * The plan sees only the new key, so it can't tell that a HOTP account of the lost key is still on
 * another key (synced there with --hotp-on-several-keys, or in a YubiKey OTP slot): rebuilt, it would
 * be on two, each counting its own codes, and a code used from one leaves the other behind. Said
 * per account, naming where else it is; the rebuild still restores it (that is what the lost key had).
 */
function hotpElsewhere(chosen: readonly string[], accounts: readonly AccountMeta[], holders: Holders): string[] {
  const warnings: string[] = [];
  for (const account of accounts) {
    if (account.type !== 'hotp' || !chosen.includes(account.id)) continue;
    const elsewhere = [
      ...Object.entries(holders.inventory)
        .filter(([serial, key]) => Number(serial) !== holders.from && key.lostAt === undefined && serial !== holders.to && Object.values(key.credentials).some((entry) => entry.accountId === account.id))
        .map(([serial]) => serial),
      ...Object.entries(holders.keyWrites)
        .filter(([serial, slots]) => Number(serial) !== holders.from && `${serial}/otp` !== holders.to && Object.values(slots).some((slot) => slot.kind === 'hotp' && slot.accountId === account.id))
        .map(([serial]) => `${serial}/otp`),
    ];
    if (elsewhere.length === 0) continue;
    const name = account.issuer === '' ? account.label : `${account.issuer}:${account.label}`;
    warnings.push(
      `${name}: this HOTP account is still on ${elsewhere.map(targetLabel).join(' and ')}; rebuilt onto ${targetLabel(holders.to)} it would be on two keys, each counting its own codes, so their counters would drift apart (use one of them only, or remove the other copy)`,
    );
  }
  return warnings;
}

/** The inventory with the lost key marked so (its entries kept: what it held is still worth knowing; no account counts it as a holder). */
export function markedLost(inventory: KeyInventory, serial: number, at: number): KeyInventory {
  const key = inventory[String(serial)];
  if (key === undefined || key.lostAt !== undefined) return inventory;
  return { ...inventory, [String(serial)]: { ...key, lostAt: at } };
}
