import type { AccountMeta } from '../../../shared/account.js';
import type { CellRef, KeyObservation, KeyRoom, ObservedCredential, PlanCell, PlanInput, SyncPlan } from './model.js';
import { canonicalTarget, stepTarget, targetLabel, targetOf, willWrite } from './model.js';
import { describeInventory } from './inventory.js';
import { assignSlots, planOtpSlots } from './otp-slots.js';
import { placeAccounts, type KeyColumn } from './spread.js';
import { targetCredential, type TargetCredential } from './target-credential.js';

/**
 * The sync plan (issue 17, items 1–2): for the chosen accounts × the chosen keys, what applying would
 * do, from what the keys were seen holding. Pure: observe.ts gathers the keys' listings and codes,
 * apply.ts writes. A key is never changed and never asked for a touch here.
 *
 * How a credential already on a key is compared with the vault's account of the same name:
 * - a TOTP one the key computed without asking anything: its code at the plan's moment against the
 *   vault's code at the same moment (equal: `identical`; not: `overwrite`);
 * - HOTP (computing would use up a counter value), touch- and PIN-protected ones: by the listing
 *   only (kind, and the algorithm and touch flag when the key says them).
 * An overwrite of a credential Latchkey did not write loses what it holds (a key's secrets can't be
 * read back), so it is proposed only; so are removals and renames. Each is applied when chosen.
 */
export function planSync(input: PlanInput): SyncPlan {
  const byId = new Map(input.accounts.map((account) => [account.id, account]));
  const chosen = [...new Set(input.chosen)].flatMap((id) => {
    const account = byId.get(id);
    return account === undefined ? [] : [account];
  });
  const columns: (KeyColumn & { readonly own: PlanCell[]; readonly held: number; readonly capacity: number; readonly hiddenByPin?: boolean })[] = input.keys.map((key) => {
    const target = targetOf(key);
    if (key.kind === 'yubikey-otp') {
      const slots = planOtpSlots(key, chosen, input, isChosen(target, input));
      return { serial: key.serial, target, byAccount: slots.byAccount, own: slots.own, held: slots.held, capacity: key.slots.length, free: slots.free };
    }
    const { byAccount, own } = planKey(key, chosen, input);
    const removals = own.filter((cell) => cell.action === 'remove' && willWrite(cell)).length;
    const hidden = key.pinHidesCredentials === true ? { hiddenByPin: true } : {};
    return { serial: key.serial, target, byAccount, own, held: key.credentials.length, capacity: key.capacity, free: key.capacity - key.credentials.length + removals, ...hidden };
  });
  const warnings = placeAccounts(columns, {
    order: chosen.map((account) => ({ id: account.id, hotp: account.type === 'hotp' })),
    spread: input.options.spread,
    hotpOnSeveralKeys: input.options.hotpOnSeveralKeys === true,
    heldElsewhere: hotpHeldElsewhere(input, chosen, new Set(columns.map((column) => column.target))),
    picked: (target, name) => isChosen(target, input)(name),
  });
  for (const [index, key] of input.keys.entries()) {
    const column = columns[index];
    if (key.kind === 'yubikey-otp' && column !== undefined) assignSlots(key, column.byAccount, column.own, input);
  }
  const cells = columns.flatMap((column) => [...chosen.flatMap((account) => column.byAccount.get(account.id) ?? []), ...column.own]);
  const room = columns.map((column): KeyRoom => {
    const writes = cells.filter((cell) => cell.target === column.target && willWrite(cell));
    const after = column.held + writes.filter((cell) => cell.action === 'add').length - writes.filter((cell) => cell.action === 'remove').length;
    return { key: column.serial, target: column.target, capacity: column.capacity, held: column.held, after, fits: after <= column.capacity, ...(column.hiddenByPin === true ? { hiddenByPin: true } : {}) };
  });
  const fits = room.every((key) => key.fits);
  for (const key of room) {
    if (key.hiddenByPin === true) {
      // The count can only be too low: a plan that fits may still be refused by a full key when applied.
      const free = Math.max(0, key.capacity - key.held);
      warnings.push(`${targetLabel(key.target)} hides its PIN-protected credentials without the PIN: it holds at least ${String(key.held)}, so at most ${String(free)} free (give its PIN to count them all)`);
    }
    if (!key.fits) {
      warnings.push(`${targetLabel(key.target)} would hold ${String(key.after)} credentials, and it holds at most ${String(key.capacity)}: nothing is written; spread the accounts over the keys, or choose fewer`);
    }
  }
  warnings.push(...hotpWarnings(cells, byId));
  return { time: input.time, cells, room, fits, warnings };
}

/** One key's cells: one per chosen account, then its removals and its own (key-only) credentials. */
function planKey(key: KeyObservation, chosen: readonly AccountMeta[], input: PlanInput): { byAccount: Map<string, PlanCell>; own: PlanCell[] } {
  const listing = new Map(key.credentials.map((credential) => [credential.name, credential]));
  const inventory = input.inventory[String(key.serial)]?.credentials ?? {};
  const picked = isChosen(targetOf(key), input);
  const touchOf = (id: string) => input.options.touchByAccount?.[id] ?? input.options.touch;
  const targets = new Map(input.accounts.map((account) => [account.id, targetCredential(account, key, touchOf(account.id) ?? false)]));
  const byAccount = new Map<string, PlanCell>();
  const namesTaken = new Map<string, string>();
  for (const account of chosen) {
    const target = targets.get(account.id);
    if (target === undefined) continue;
    const base = { key: key.serial, target: targetOf(key), name: target.name, accountId: account.id, type: account.type === 'hotp' ? ('hotp' as const) : ('totp' as const) };
    if (!target.ok) {
      byAccount.set(account.id, { ...base, action: 'unsupported', reason: target.reason });
      continue;
    }
    const clash = namesTaken.get(target.name);
    if (clash !== undefined) {
      byAccount.set(account.id, { ...base, action: 'unsupported', reason: `another chosen account has the same name on a key (${target.name}): rename one of them in the vault` });
      continue;
    }
    namesTaken.set(target.name, account.id);
    const renamedFrom = Object.entries(inventory).find(([name, entry]) => entry.accountId === account.id && name !== target.name && listing.has(name) && !listing.has(target.name));
    if (renamedFrom !== undefined) {
      const [from] = renamedFrom;
      const chosenRename = picked(target.name);
      byAccount.set(account.id, {
        ...base,
        action: 'rename',
        from,
        optIn: true,
        chosen: chosenRename,
        ...(chosenRename ? {} : { reason: `renamed in the vault; on the key it stays ${from} unless this rename is chosen` }),
      });
      continue;
    }
    const observed = listing.get(target.name);
    const touch = touchOf(account.id) ?? observed?.touch ?? false;
    const wanted = { ...target, touch };
    byAccount.set(
      account.id,
      observed === undefined ? { ...base, action: 'add', touch } : compare(base, wanted, observed, account, { input, ours: inventory[target.name]?.accountId === account.id, picked }),
    );
  }
  return { byAccount, own: ownCells(key, listing, inventory, targets, picked) };
}

interface CompareContext {
  readonly input: PlanInput;
  /** The inventory says Latchkey wrote this name for this account. */
  readonly ours: boolean;
  readonly picked: (name: string) => boolean;
}

/** A chosen account whose name the key already holds: identical, or overwrite saying why. */
function compare(
  base: Omit<PlanCell, 'action'>,
  target: Extract<TargetCredential, { ok: true }>,
  observed: ObservedCredential,
  account: AccountMeta,
  context: CompareContext,
): PlanCell {
  const interrupted = (context.input.progress?.steps ?? []).some((step) => stepTarget(step) === base.target && step.name === target.name && step.state === 'writing');
  const overwrite = (reason: string, compared: 'code' | 'listing'): PlanCell => {
    // Ours (the inventory, or our own write cut short) is rewritten freely; anything else only when chosen.
    if (context.ours || interrupted) return { ...base, action: 'overwrite', touch: target.touch, compared, reason };
    const chosen = context.picked(target.name);
    return { ...base, action: 'overwrite', touch: target.touch, compared, reason: `${reason}; Latchkey did not write it, and what it holds can’t be read back`, optIn: true, chosen };
  };
  if (observed.type !== target.type) return overwrite(`the key holds a ${observed.type.toUpperCase()} credential under this name`, 'listing');
  if (observed.code !== null && target.type === 'totp') {
    const vaultCode = context.input.vaultCodes.get(account.id);
    return vaultCode !== undefined && vaultCode === observed.code
      ? { ...base, action: 'identical', touch: observed.touch ?? target.touch, compared: 'code' }
      : overwrite('the key’s code differs from the vault’s (another secret, or other digits or algorithm)', 'code');
  }
  if (interrupted) return overwrite('an earlier sync was cut short while writing it, and its code can’t be checked without asking', 'listing');
  if (observed.algorithm !== undefined && observed.algorithm !== account.algorithm) return overwrite(`the key’s credential uses ${observed.algorithm}, the vault’s ${account.algorithm}`, 'listing');
  if (observed.touch !== undefined && observed.touch !== target.touch) {
    return overwrite(target.touch ? 'the key’s credential does not ask for a touch' : 'the key’s credential asks for a touch', 'listing');
  }
  const why = target.type === 'hotp' ? 'HOTP' : observed.pinProtected === true ? 'PIN-protected' : 'touch-required';
  return { ...base, action: 'identical', touch: target.touch, compared: 'listing', reason: `compared by name and kind only (a ${why} code is not computed while planning)` };
}

/** What a key holds that no chosen cell covers: removals of deleted accounts, and its own credentials. */
function ownCells(
  key: KeyObservation,
  listing: ReadonlyMap<string, ObservedCredential>,
  inventory: Readonly<Record<string, { readonly accountId: string; readonly keyOnly?: true }>>,
  targets: ReadonlyMap<string, TargetCredential>,
  picked: (name: string) => boolean,
): PlanCell[] {
  const vaultNames = new Set([...targets.values()].filter((target) => target.ok).map((target) => target.name));
  const cells: PlanCell[] = [];
  for (const credential of listing.values()) {
    if (vaultNames.has(credential.name)) continue;
    const written = inventory[credential.name];
    if (written?.keyOnly === true && !targets.has(written.accountId)) {
      cells.push({ key: key.serial, target: targetOf(key), name: credential.name, action: 'key-only', type: credential.type, reason: 'put on the key with --key-only: the vault has no copy of its secret, so it is left as it is' });
    } else if (written !== undefined && !targets.has(written.accountId)) {
      const chosen = picked(credential.name);
      cells.push({
        key: key.serial,
        target: targetOf(key),
        name: credential.name,
        action: 'remove',
        accountId: written.accountId,
        type: credential.type,
        optIn: true,
        chosen,
        reason: 'its vault account was deleted; removed from the key only when chosen',
      });
    } else if (written === undefined) {
      cells.push({ key: key.serial, target: targetOf(key), name: credential.name, action: 'key-only', type: credential.type, reason: 'on the key, not in the vault: its secret can’t be read back, so it is left as it is' });
    }
    // Written by Latchkey for an account since renamed: its rename cell (when chosen) covers it.
  }
  return cells;
}

/**
 * Where each chosen HOTP account is, by the inventory (OATH keys not lost) and the key-writes record
 * (OTP slots), outside this plan's targets: a sync onto a new key alone counts those holders too.
 */
function hotpHeldElsewhere(input: PlanInput, chosen: readonly AccountMeta[], planned: ReadonlySet<string>): Map<string, string[]> {
  const hotp = chosen.filter((account) => account.type === 'hotp');
  const view = describeInventory(input.inventory, hotp, input.keyWrites ?? {});
  return new Map(view.accounts.map((account) => [account.accountId, account.targets.filter((target) => !planned.has(target))]));
}

/** Whether the user chose a proposed cell, or an unfinished sync had chosen it. */
function isChosen(target: string, input: PlanInput): (name: string) => boolean {
  const refs: CellRef[] = [
    ...(input.options.choose ?? []),
    ...(input.progress?.steps ?? []).filter((step) => step.state !== 'done').map((step) => ({ key: stepTarget(step), name: step.name })),
  ];
  return (name) => refs.some((ref) => canonicalTarget(ref.key) === target && ref.name === name);
}

/**
 * HOTP on a key drifts from the vault (and from other keys) with use: said once per account written,
 * and once for an account already on several keys.
 */
function hotpWarnings(cells: readonly PlanCell[], byId: ReadonlyMap<string, AccountMeta>): string[] {
  const warnings: string[] = [];
  const hotp = cells.filter((cell) => cell.type === 'hotp' && cell.accountId !== undefined && byId.has(cell.accountId));
  for (const id of new Set(hotp.map((cell) => cell.accountId))) {
    const mine = hotp.filter((cell) => cell.accountId === id);
    const name = mine[0]?.name ?? '';
    const holding = mine.filter((cell) => cell.action === 'identical' || ((cell.action === 'overwrite' || cell.action === 'add' || cell.action === 'rename') && willWrite(cell)));
    if (mine.some((cell) => (cell.action === 'add' || cell.action === 'overwrite') && willWrite(cell))) {
      warnings.push(`${name}: a HOTP account on a key counts its codes apart from the vault: codes used from one leave the other behind`);
    }
    if (holding.length > 1) warnings.push(`${name}: this HOTP account is on ${String(holding.length)} keys, whose counters drift apart with use`);
  }
  return warnings;
}
