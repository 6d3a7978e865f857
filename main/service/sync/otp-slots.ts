import type { AccountMeta } from '../../../shared/account.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { hotpSlotPlan } from '../handlers/keys-hotp.js';
import type { KeyWrites } from '../../vault/index.js';
import type { OtpSlotsObservation, PlanCell, PlanInput } from './model.js';
import { stepTarget, targetOf, willWrite } from './model.js';

const SLOTS = [1, 2] as const;
const slotName = (slot: 1 | 2) => `slot ${String(slot)}`;
const displayName = (account: AccountMeta) => (account.issuer === '' ? account.label : `${account.issuer}:${account.label}`);

/**
 * A YubiKey's two OTP slots as a sync target (HOTP accounts only). A slot can't be read back, so
 * what it holds is known from the vault's `key-writes` record alone (for a slot the key says is
 * programmed: writesStillOnKey): an account recorded in a slot is
 * `identical` (compared by the record); a programmed slot Latchkey has no record of (Yubico's factory
 * credential in slot 1, say) is the key's own and never written over; an empty slot is room. A slot
 * whose programming an unplug cut short (the `sync-progress` record says so) is programmed again.
 */
export function planOtpSlots(key: OtpSlotsObservation, chosen: readonly AccountMeta[], input: PlanInput, picked: (name: string) => boolean): { byAccount: Map<string, PlanCell>; own: PlanCell[]; held: number; free: number } {
  const written = writesStillOnKey(key, input);
  const known = new Set(input.accounts.map((account) => account.id));
  const target = targetOf(key);
  const interrupted = (input.progress?.steps ?? []).filter((step) => stepTarget(step) === target && step.state === 'writing' && step.slot !== undefined);
  const byAccount = new Map<string, PlanCell>();
  for (const account of chosen) {
    const base = { key: key.serial, target, name: displayName(account), accountId: account.id, type: account.type === 'hotp' ? ('hotp' as const) : ('totp' as const) };
    const refusal = slotRefusal(account, input.secretBytes?.get(account.id));
    if (refusal !== null) {
      byAccount.set(account.id, { ...base, action: 'unsupported', reason: refusal });
      continue;
    }
    const recorded = SLOTS.find((slot) => written[String(slot) as '1' | '2']?.accountId === account.id);
    const cut = interrupted.find((step) => step.accountId === account.id);
    if (recorded !== undefined) byAccount.set(account.id, { ...base, action: 'identical', slot: recorded, compared: 'record' });
    else if (cut?.slot !== undefined) byAccount.set(account.id, { ...base, action: 'overwrite', slot: cut.slot, compared: 'record', reason: 'an earlier sync was cut short while programming this slot' });
    else byAccount.set(account.id, { ...base, action: 'add' });
  }
  const own: PlanCell[] = [];
  let held = 0;
  let free = 0;
  for (const { slot, configured } of key.slots) {
    const entry = written[String(slot) as '1' | '2'];
    const cutHere = interrupted.some((step) => step.slot === slot);
    if (entry === undefined && configured === false && !cutHere) {
      free += 1;
      continue;
    }
    held += 1;
    if (cutHere) continue;
    if (entry === undefined) {
      own.push({ key: key.serial, target, name: slotName(slot), slot, action: 'key-only', reason: configured === undefined ? 'this firmware does not say whether the slot is programmed; it is left as it is' : 'programmed outside Latchkey (on slot 1 maybe Yubico’s factory credential): left as it is' });
    } else if (entry.kind === 'challenge-response') {
      own.push({ key: key.serial, target, name: slotName(slot), slot, action: 'key-only', reason: 'a challenge-response secret Latchkey wrote (to unlock a vault): left as it is' });
    } else if (entry.accountId !== undefined && !known.has(entry.accountId)) {
      const chosenRemoval = picked(slotName(slot));
      if (chosenRemoval) free += 1;
      own.push({ key: key.serial, target, name: slotName(slot), slot, action: 'remove', accountId: entry.accountId, type: 'hotp', optIn: true, chosen: chosenRemoval, reason: 'its vault account was deleted; the slot is emptied only when chosen' });
    }
  }
  return { byAccount, own, held, free };
}

/** A slot stores an HMAC-SHA1 key of up to 20 bytes; one over SHA1's 64-byte block is hashed to 20 first (HMAC does the same). */
const SLOT_KEY_BYTES = 20;
const SHA1_BLOCK_BYTES = 64;

/**
 * Why a slot can't hold this account (keys-hotp.ts's rules: HOTP, SHA1, 6 or 8 digits, a counter a
 * slot can start from; and the slot's key size when the secret's length is known), or null.
 */
function slotRefusal(account: AccountMeta, secretBytes: number | undefined): string | null {
  try {
    hotpSlotPlan(account);
    if (secretBytes !== undefined && secretBytes > SLOT_KEY_BYTES && secretBytes <= SHA1_BLOCK_BYTES) {
      return `a YubiKey OTP slot holds a secret of at most ${String(SLOT_KEY_BYTES)} bytes (or over ${String(SHA1_BLOCK_BYTES)}, hashed); this account's has ${String(secretBytes)}`;
    }
    return null;
  } catch (error) {
    if (error instanceof LatchkeyError && error.code === 'KEY_UNSUPPORTED') return error.message;
    throw error;
  }
}

/**
 * The key's `key-writes` record without the slots the key itself says are empty: one emptied by
 * another program (ykman, or Latchkey with another vault) holds nothing of what the record says, so
 * its account is not `identical` there but to be written again, and the slot is room.
 */
function writesStillOnKey(key: OtpSlotsObservation, input: PlanInput): KeyWrites[string] {
  const written = input.keyWrites?.[String(key.serial)] ?? {};
  const emptied = new Set(key.slots.filter(({ configured }) => configured === false).map(({ slot }) => String(slot)));
  return Object.fromEntries(Object.entries(written).filter(([slot]) => !emptied.has(slot)));
}

/** After placement: each add that will be written gets the next free slot, in slot order. */
export function assignSlots(key: OtpSlotsObservation, cells: Map<string, PlanCell>, own: readonly PlanCell[], input: PlanInput): void {
  const written = writesStillOnKey(key, input);
  const taken = new Set<number>([...cells.values(), ...own].filter((cell) => cell.slot !== undefined && !(cell.action === 'remove' && willWrite(cell))).map((cell) => cell.slot ?? 0));
  const open = key.slots.filter(({ slot, configured }) => !taken.has(slot) && (written[String(slot) as '1' | '2'] === undefined ? configured === false : own.some((cell) => cell.slot === slot && cell.action === 'remove' && willWrite(cell)))).map(({ slot }) => slot);
  for (const [id, cell] of cells) {
    if (cell.action !== 'add') continue;
    const slot = open.shift();
    if (slot !== undefined) cells.set(id, { ...cell, slot });
  }
}
