import { LatchkeyError } from '../../../shared/errors.js';
import type { AccountMeta } from '../../../shared/account.js';
import type { NewOathCredential, OathCredential, OathProgress } from '../../keys/oath/index.js';
import type { OtpProgress } from '../../keys/yubikey-otp/index.js';
import type { KeyInventory, RecordStore, SyncProgress } from '../../vault/index.js';
import type { SyncVault } from './key-only-vault.js';
import type { Operation } from '../operations.js';
import { withCredential, withListing, withoutCredential, type InventoryEntry } from './inventory.js';
import { targetLabel, targetOf, willWrite, type PlanCell, type SyncPlan } from './model.js';
import type { SyncKey } from './observe.js';
import type { OtpSyncKey } from './otp-key.js';
import { applySlotCell, recordSlot } from './apply-slot.js';

export interface ApplyContext {
  readonly vault: SyncVault;
  /** Accounts put on the keys without being in the vault (`--key-only`): their inventory entries say the vault can't rebuild them. */
  readonly keyOnly?: ReadonlySet<string>;
  /** The plan's keys, open (the same sessions it was observed through, or new ones to the same keys). */
  readonly keys: readonly (SyncKey | OtpSyncKey)[];
  readonly operation: Pick<Operation, 'progress' | 'signal'>;
  /** Unix milliseconds: codes are checked, and the inventory dated, by it. */
  readonly now: () => number;
}

/** A cell applied: how it checked after writing (a removal: `removed`). */
export interface AppliedCell {
  readonly key: number;
  readonly target: string;
  readonly name: string;
  readonly action: PlanCell['action'];
  readonly check: InventoryEntry['check'] | 'removed';
}

type Step = SyncProgress['steps'][number];

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Applies a plan (issue 17, item 3), one credential at a time, in the plan's order:
 *
 * - Before anything: a plan that does not fit is refused (KEY_FULL), and the steps to do are sealed
 *   in the vault's `sync-progress` record. Each step is marked `writing` before its command goes to
 *   the key and `done` after it checked, in the same transaction as its inventory entry; the record
 *   is cleared when every step is done. An unplug, a cancel or a crash so leaves a record saying
 *   which write may have been cut short: the next plan (plan.ts) rewrites such a credential unless
 *   its code shows it whole, and keeps the removals and renames chosen then. A rerun plans afresh
 *   from the keys' listings, so whatever was written is `identical` and nothing is put twice.
 * - Each TOTP credential is checked after writing: the key's code against the vault's for the same
 *   moment (a difference is KEY_WRITE_REJECTED); HOTP (a counter would be used up) and
 *   touch-required ones by their presence in the key's listing.
 * - Cancel is honoured between credentials; the vault's accounts are only read (their secrets for
 *   the moment of a write), never changed.
 */
export async function applySyncPlan(plan: SyncPlan, context: ApplyContext): Promise<AppliedCell[]> {
  if (!plan.fits) {
    const over = plan.room.filter((key) => !key.fits).map((key) => `${targetLabel(key.target)} (${String(key.after)} of ${String(key.capacity)})`);
    throw new LatchkeyError('KEY_FULL', `the chosen accounts do not fit: ${over.join(', ')}; nothing was written. Spread them over the keys, or choose fewer`);
  }
  const { vault, operation } = context;
  const cells = plan.cells.filter(willWrite);
  for (const cell of cells) keyOf(context, cell.target);
  const steps: Step[] = cells.map((cell) => ({
    key: cell.target,
    name: cell.name,
    action: cell.action === 'overwrite' || cell.action === 'remove' || cell.action === 'rename' ? cell.action : 'add',
    ...(cell.accountId === undefined ? {} : { accountId: cell.accountId }),
    ...(cell.from === undefined ? {} : { from: cell.from }),
    ...(cell.slot === undefined ? {} : { slot: cell.slot }),
    state: 'pending',
  }));
  const progress: SyncProgress = { startedAt: seconds(context.now()), steps };
  const mark = (index: number, state: Step['state'], update?: (records: RecordStore) => void) => {
    const step = steps[index];
    if (step === undefined) return;
    steps[index] = { ...step, state };
    vault.transaction((tx) => {
      tx.records.put('sync-progress', { ...progress, steps: [...steps] });
      update?.(tx.records);
    });
  };
  // A plan with nothing to write, no unfinished sync and nothing new found writes nothing at all.
  const inventory = vault.records.get('key-inventory') ?? {};
  const found = withFoundIdentical(inventory, plan, context);
  if (steps.length > 0 || found !== inventory || vault.records.get('sync-progress') !== undefined) {
    vault.transaction((tx) => {
      if (found !== inventory) tx.records.put('key-inventory', withFoundIdentical(tx.records.get('key-inventory') ?? {}, plan, context));
      if (steps.length > 0) tx.records.put('sync-progress', progress);
      else if (tx.records.get('sync-progress') !== undefined) tx.records.clear('sync-progress');
    });
  }
  if (steps.length === 0) return [];
  const applied: AppliedCell[] = [];
  for (const [index, cell] of cells.entries()) {
    if (operation.signal.aborted) throw new LatchkeyError('CANCELLED', `cancelled after ${String(index)} of ${String(cells.length)} credentials; the sync can be resumed`);
    const key = keyOf(context, cell.target);
    const detail = { key: cell.target, ...(cell.accountId === undefined ? {} : { accountId: cell.accountId }) };
    operation.progress(`${verb(cell)} ${cell.name} on ${targetLabel(cell.target)}`, index / cells.length, detail);
    const onProgress = (event: OathProgress | OtpProgress) => {
      if (event.needsTouch) operation.progress(`Touch key ${String(cell.key)} to ${infinitive(cell)} ${cell.name}`, index / cells.length, { ...detail, needsTouch: true });
    };
    mark(index, 'writing');
    if (key.kind === 'yubikey-otp') {
      const check = await applySlotCell(key, cell, context, onProgress);
      mark(index, 'done', (records) => {
        recordSlot(records, key.serial, cell, seconds(context.now()));
      });
      applied.push({ key: cell.key, target: cell.target, name: cell.name, action: cell.action, check });
      continue;
    }
    if (cell.action === 'remove') {
      await removeCredential(key, cell.name, { signal: operation.signal, onProgress });
      mark(index, 'done', (records) => {
        records.put('key-inventory', withoutCredential(records.get('key-inventory') ?? {}, cell.key, cell.name));
      });
      applied.push({ key: cell.key, target: cell.target, name: cell.name, action: cell.action, check: 'removed' });
      continue;
    }
    const account = vault.account(requireAccount(cell));
    const written = await writeCell(key, cell, account, context, onProgress);
    const check = await verifyWrite(key, written, account, context);
    const entry: InventoryEntry = {
      accountId: account.id,
      type: written.type,
      touch: written.touch === true,
      writtenAt: seconds(context.now()),
      check,
      ...(context.keyOnly?.has(account.id) === true ? { keyOnly: true as const } : {}),
    };
    mark(index, 'done', (records) => {
      const inventory = records.get('key-inventory') ?? {};
      records.put('key-inventory', withCredential(cell.from === undefined ? inventory : withoutCredential(inventory, cell.key, cell.from), cell.key, key.kind, cell.name, entry));
    });
    applied.push({ key: cell.key, target: cell.target, name: cell.name, action: cell.action, check });
  }
  await recordListings(context, cells);
  return applied;
}

const VERBS: Partial<Record<PlanCell['action'], readonly [string, string]>> = {
  add: ['Adding', 'add'],
  overwrite: ['Overwriting', 'overwrite'],
  remove: ['Removing', 'remove'],
  rename: ['Renaming', 'rename'],
};
/** "Adding …" for a stage, "to add …" for a touch prompt. */
const verb = (cell: PlanCell) => VERBS[cell.action]?.[0] ?? 'Writing';
const infinitive = (cell: PlanCell) => VERBS[cell.action]?.[1] ?? 'write';

/**
 * The inventory with every credential the plan found identical by its code but the inventory lacks:
 * one put there by hand with the same secret, or one whose write an unplug cut short after the key
 * took it (so a rerun, which finds it identical, still records it). Dated by the plan.
 */
function withFoundIdentical(inventory: KeyInventory, plan: SyncPlan, context: Pick<ApplyContext, 'keys' | 'keyOnly'>): KeyInventory {
  let next = inventory;
  for (const cell of plan.cells) {
    const key = context.keys.find((candidate) => targetOf(candidate) === cell.target);
    if (cell.action !== 'identical' || cell.compared !== 'code' || cell.accountId === undefined || key === undefined || key.kind === 'yubikey-otp') continue;
    if (inventory[String(cell.key)]?.credentials[cell.name]?.accountId === cell.accountId) continue;
    const keyOnly = context.keyOnly?.has(cell.accountId) === true ? { keyOnly: true as const } : {};
    next = withCredential(next, cell.key, key.kind, cell.name, { accountId: cell.accountId, type: 'totp', touch: cell.touch === true, writtenAt: plan.time, check: 'code-match', ...keyOnly });
  }
  return next;
}

/** The open key a cell's target names (a YubiKey's OATH application and its OTP slots share a serial). */
function keyOf(context: ApplyContext, target: string): SyncKey | OtpSyncKey {
  const key = context.keys.find((candidate) => targetOf(candidate) === target);
  if (key === undefined) throw new LatchkeyError('KEY_NOT_FOUND', `${targetLabel(target)} of the plan is not plugged in; nothing was written to it`);
  return key;
}

function requireAccount(cell: PlanCell): string {
  if (cell.accountId === undefined) throw new Error(`a ${cell.action} cell without an account`);
  return cell.accountId;
}

interface Progress {
  readonly signal: AbortSignal;
  readonly onProgress: (event: OathProgress | OtpProgress) => void;
}

/** PUT (add, overwrite), RENAME, or for a firmware without RENAME a PUT under the new name and a DELETE of the old. */
async function writeCell(key: SyncKey, cell: PlanCell, account: AccountMeta, context: ApplyContext, onProgress: Progress['onProgress']): Promise<OathCredential> {
  const options = { signal: context.operation.signal, onProgress };
  if (cell.action === 'rename' && cell.from !== undefined) {
    const old = await findCredential(key, cell.from, options);
    if (!('unsupported' in key.session.dialect.rename(key.session.info.version))) {
      return key.session.rename(old, { ...(account.issuer === '' ? {} : { issuer: account.issuer }), account: account.label }, options);
    }
    const written = await putAccount(key, account, cell.touch ?? old.touch ?? false, 'refuse', context.vault, options);
    await key.session.delete(old, options);
    return written;
  }
  return putAccount(key, account, cell.touch ?? false, cell.action === 'overwrite' ? 'overwrite' : 'refuse', context.vault, options);
}

/** The account's secret leaves the vault only for this PUT, and is zeroed right after. */
async function putAccount(key: SyncKey, account: AccountMeta, touch: boolean, ifExists: 'refuse' | 'overwrite', vault: SyncVault, options: Progress): Promise<OathCredential> {
  if (account.type === 'steam') throw new LatchkeyError('KEY_UNSUPPORTED', 'Steam codes use their own alphabet, which no key computes');
  const secret = vault.withSecret(account.id, (stored) => Uint8Array.from(stored));
  try {
    const base = { ...(account.issuer === '' ? {} : { issuer: account.issuer }), account: account.label, algorithm: account.algorithm, digits: account.digits, secret, touch };
    const credential: NewOathCredential = account.type === 'totp' ? { ...base, type: 'totp', period: account.period } : { ...base, type: 'hotp', counter: Number(account.counter) };
    return await key.session.put(credential, { ...options, ifExists });
  } finally {
    secret.fill(0);
  }
}

/**
 * The check after a write: a TOTP credential that computes without a touch must give the vault's
 * code for the same moment; the others must be in the listing under their name.
 */
async function verifyWrite(key: SyncKey, written: OathCredential, account: AccountMeta, context: ApplyContext): Promise<InventoryEntry['check']> {
  const options = { signal: context.operation.signal };
  if (written.type === 'totp' && written.touch !== true) {
    const nowMs = context.now();
    const onKey = await key.session.calculate(written, { ...options, time: seconds(nowMs) });
    const inVault = context.vault.code(account.id, seconds(nowMs) * 1000).code;
    if (onKey.value !== inVault) {
      throw new LatchkeyError('KEY_WRITE_REJECTED', `key ${String(key.serial)} gives another code for ${written.name} than the vault does after writing it; it was left on the key, run the sync again to rewrite it`);
    }
    return 'code-match';
  }
  await findCredential(key, written.name, options);
  return 'present';
}

async function findCredential(key: SyncKey, name: string, options: { readonly signal: AbortSignal }): Promise<OathCredential> {
  const listed = await key.session.list({ ...options, ...(key.pin === undefined ? {} : { pin: key.pin }) });
  const found = listed.find((credential) => credential.name === name);
  if (found === undefined) throw new LatchkeyError('KEY_WRITE_REJECTED', `key ${String(key.serial)} does not list ${name}`);
  return found;
}

async function removeCredential(key: SyncKey, name: string, options: Progress): Promise<void> {
  const listed = await key.session.list({ signal: options.signal, ...(key.pin === undefined ? {} : { pin: key.pin }) });
  const found = listed.find((credential) => credential.name === name);
  // Already gone (a rerun after an unplug that came after the DELETE): nothing left to do.
  if (found === undefined) return;
  if (found.pinProtected === true && key.pin !== undefined) await key.session.verifyPin(key.pin, options);
  await key.session.delete(found, options);
}

/** The end of a sync: every key written to is listed once more, and its listing kept for drift (inventory.ts), then the progress cleared. */
async function recordListings(context: ApplyContext, cells: readonly PlanCell[]): Promise<void> {
  const listings: { key: SyncKey; names: string[] }[] = [];
  for (const target of new Set(cells.map((cell) => cell.target))) {
    const key = keyOf(context, target);
    if (key.kind === 'yubikey-otp') continue;
    const listed = await key.session.list({ signal: context.operation.signal, ...(key.pin === undefined ? {} : { pin: key.pin }) });
    listings.push({ key, names: listed.map((credential) => credential.name) });
  }
  const at = seconds(context.now());
  context.vault.transaction((tx) => {
    let inventory = tx.records.get('key-inventory') ?? {};
    for (const { key, names } of listings) inventory = withListing(inventory, key.serial, key.kind, names, at);
    tx.records.put('key-inventory', inventory);
    tx.records.clear('sync-progress');
  });
}
