import { toHex } from './bytes.js';
import type { SlotKind } from './format.js';
import type { SlotRow } from './header.js';
import type { KdfParams } from './kdf-params.js';
import { newYubiKeyChallenge, passwordYubiKeyKek, type YubiKeyAnswerer, type YubiKeyResponder } from './password-yubikey.js';
import type { RecordValue } from './records.js';
import { wrapMasterKey } from './slots.js';
import type { Sodium } from './sodium.js';
import { VaultError } from './vault-error.js';

export type YubiKeyUnlockSlots = RecordValue<'yubikey-unlock-slots'>;

/** The password's Argon2id inputs a new password+YubiKey slot is made with, and their output. */
export interface PasswordKeyInputs {
  readonly passwordKey: Uint8Array;
  readonly params: KdfParams;
  readonly salt: Uint8Array;
}

/**
 * A password+YubiKey slot under a fresh challenge (SECURITY-NOTES §1): the answerer is asked once
 * (a touch, if its slot wants one), and its response is mixed into the password's key, never stored.
 */
export async function makeYubiKeySlot(sodium: Sodium, vaultId: Uint8Array, master: Uint8Array, password: PasswordKeyInputs, answerer: YubiKeyAnswerer): Promise<SlotRow> {
  const challenge = newYubiKeyChallenge();
  const response = await answerer.respond(challenge);
  if (response === null) {
    throw new VaultError('NOT_FOUND', `slot ${String(answerer.slot)} of the key does not answer challenges: program it for HMAC-SHA1 challenge-response first`, {
      slot: answerer.slot,
    });
  }
  const kek = passwordYubiKeyKek(sodium, password.passwordKey, response);
  sodium.memzero(response);
  try {
    return wrapMasterKey(sodium, vaultId, master, kek, { kind: 'password+yubikey', kdf: { params: password.params, salt: password.salt }, challenge });
  } finally {
    sodium.memzero(kek);
  }
}

/**
 * Refuses a set of slots that would lock the user out (SECURITY-NOTES §1): a password-type slot is
 * required, and when the only password slots need a YubiKey, a recovery slot too (losing the key
 * must never lose the vault). `kinds`: the kinds of the slots that would be left.
 */
export function assertWayIn(kinds: readonly SlotKind[], refused: string): void {
  const plain = kinds.includes('password');
  const keyed = kinds.includes('password+yubikey');
  const recovery = kinds.includes('recovery');
  if (!plain && !keyed) throw new VaultError('USAGE', `${refused}: the vault would have no password slot left`);
  if (!plain && !recovery) {
    throw new VaultError('USAGE', `${refused}: a vault whose password slots all need a YubiKey must keep a recovery key, the way in when the key is lost (\`latchkey vault recovery-key\` issues one)`);
  }
}

/** Refuses a second vault slot for the same key slot: it would add nothing but another touch at each unlock. */
export function assertNotEnrolled(record: YubiKeyUnlockSlots, answerer: YubiKeyAnswerer): void {
  if (answerer.serial === null) return;
  if (Object.values(record).some((entry) => entry.serial === answerer.serial && entry.slot === answerer.slot)) {
    throw new VaultError('USAGE', `slot ${String(answerer.slot)} of the YubiKey with serial ${String(answerer.serial)} already opens this vault (see \`latchkey vault slots\`)`, {
      serial: answerer.serial,
      slot: answerer.slot,
    });
  }
}

/** Whether this answerer is the key slot recorded for a vault slot. */
export function answersFor(record: YubiKeyUnlockSlots, slot: SlotRow, answerer: YubiKeyAnswerer): boolean {
  const entry = record[toHex(slot.slotId)];
  return entry?.serial === answerer.serial && entry.slot === answerer.slot;
}

/** The key slots whose recorded key is plugged in now (asks no key anything: no touch). */
export async function keySlotsPresent(record: YubiKeyUnlockSlots, keySlots: readonly SlotRow[], responder: YubiKeyResponder | undefined): Promise<Set<SlotRow>> {
  const found = new Set<SlotRow>();
  if (keySlots.length === 0 || responder === undefined) return found;
  for await (const answerer of responder.answerers()) {
    for (const slot of keySlots) if (answersFor(record, slot, answerer)) found.add(slot);
  }
  return found;
}

/**
 * Each key slot re-made under a fresh challenge on its recorded key (a touch each, SECURITY-NOTES §1:
 * a recorded response goes stale) with the new password's key; the slots whose key is not plugged
 * in are left out. `record` is the new record: the new slot ids with the same keys.
 */
export async function rechallengeKeySlots(
  sodium: Sodium,
  vaultId: Uint8Array,
  master: Uint8Array,
  password: PasswordKeyInputs,
  current: { readonly record: YubiKeyUnlockSlots; readonly slots: readonly SlotRow[] },
  responder: YubiKeyResponder | undefined,
): Promise<{ readonly rows: SlotRow[]; readonly record: YubiKeyUnlockSlots; readonly remade: Set<SlotRow> }> {
  const rows: SlotRow[] = [];
  const record: YubiKeyUnlockSlots = {};
  const remade = new Set<SlotRow>();
  if (current.slots.length === 0 || responder === undefined) return { rows, record, remade };
  for await (const answerer of responder.answerers()) {
    for (const slot of current.slots) {
      const entry = current.record[toHex(slot.slotId)];
      if (remade.has(slot) || entry === undefined || !answersFor(current.record, slot, answerer)) continue;
      const row = await makeYubiKeySlot(sodium, vaultId, master, password, answerer);
      rows.push(row);
      remade.add(slot);
      record[toHex(row.slotId)] = entry;
    }
  }
  return { rows, record, remade };
}
