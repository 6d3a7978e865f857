import { LatchkeyError } from '../../../shared/errors.js';
import type { OtpProgress } from '../../keys/yubikey-otp/index.js';
import type { RecordStore } from '../../vault/index.js';
import type { SyncVault } from './key-only-vault.js';
import { hotpSlotPlan } from '../handlers/keys-hotp.js';
import { updateKeyWrites, withSlotCleared, withSlotWritten } from '../handlers/keys-record.js';
import type { PlanCell } from './model.js';
import type { OtpSyncKey } from './otp-key.js';

interface SlotContext {
  readonly vault: SyncVault;
  readonly operation: { readonly signal: AbortSignal };
}

/**
 * One YubiKey OTP slot cell: program the account's HOTP secret (from its own counter, as `keys
 * program` does) or empty the slot of a deleted account. A slot can't be read back, so the check
 * after writing is the key's status saying the slot is (or is no longer) programmed.
 */
export async function applySlotCell(key: OtpSyncKey, cell: PlanCell, context: SlotContext, onProgress: (event: OtpProgress) => void): Promise<'present' | 'removed'> {
  const slot = cell.slot;
  if (slot === undefined) throw new Error(`a slot cell without a slot: ${cell.name}`);
  const write = { signal: context.operation.signal, onProgress, ...(key.accessCode === undefined ? {} : { currentAccessCode: key.accessCode }) };
  if (cell.action === 'remove') {
    const status = await key.session.deleteSlot(slot, write);
    if (status.slots[slot - 1]?.configured === true) throw new LatchkeyError('KEY_WRITE_REJECTED', `key ${String(key.serial)} still says slot ${String(slot)} is programmed`);
    return 'removed';
  }
  if (cell.accountId === undefined) throw new Error(`a slot cell without an account: ${cell.name}`);
  const account = context.vault.account(cell.accountId);
  const plan = hotpSlotPlan(account);
  const secret = context.vault.withSecret(account.id, (stored) => Uint8Array.from(stored));
  try {
    // An add goes only to a slot the plan saw empty; an overwrite is our own write that an unplug cut short.
    const status = await key.session.programHotp(slot, { key: secret, ...plan }, { ...write, overwrite: cell.action === 'overwrite' });
    if (status.slots[slot - 1]?.configured === false) throw new LatchkeyError('KEY_WRITE_REJECTED', `key ${String(key.serial)} does not say slot ${String(slot)} is programmed after writing it`);
  } finally {
    secret.fill(0);
  }
  return 'present';
}

/** The key-writes record after a slot cell was applied (inside the step's transaction). */
export function recordSlot(records: RecordStore, serial: number, cell: PlanCell, at: number): void {
  const slot = cell.slot;
  if (slot === undefined) return;
  updateKeyWrites(records, (writes) =>
    cell.action === 'remove' || cell.accountId === undefined
      ? withSlotCleared(writes, serial, slot)
      : withSlotWritten(writes, serial, slot, { accountId: cell.accountId, kind: 'hotp', writtenAt: at, touch: true }),
  );
}
