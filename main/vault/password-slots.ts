import { toHex } from './bytes.js';
import { derivePasswordKey } from './derive-password-key.js';
import type { SlotRow } from './header.js';
import { assertKdfParamsInBox } from './kdf-params.js';
import { passwordYubiKeyKek, type YubiKeyAnswerer, type YubiKeyResponder } from './password-yubikey.js';
import type { VaultRuntime } from './runtime.js';
import { unwrapMasterKey } from './slots.js';
import { VaultError } from './vault-error.js';

/** What a password (with a key's answer, for a password+YubiKey slot) opened. The caller zeroes both keys. */
export interface PasswordOpening {
  readonly master: Uint8Array;
  readonly slot: SlotRow;
  /** The password's Argon2id output for that slot's salt and parameters (a new key slot reuses them). */
  readonly passwordKey: Uint8Array;
  /** The key's challenge-response slot that answered, for a password+YubiKey slot. */
  readonly answerer?: YubiKeyAnswerer;
}

export const KEY_NEEDED_MESSAGE = 'this vault needs its YubiKey; plug it in or use the recovery key';

/**
 * The slots a password is tried against. Every password-type slot holds the same password (a password
 * change rewrites them all), so when plain password slots exist a password they refuse is wrong, and
 * no key is asked for at all. Only a vault whose plain slot was removed needs the key to open.
 */
export function passwordSlotsToTry(slots: readonly SlotRow[]): { readonly needsKey: boolean; readonly slots: readonly SlotRow[] } {
  const plain = slots.filter((slot) => slot.kind === 'password');
  if (plain.length > 0) return { needsKey: false, slots: plain };
  return { needsKey: true, slots: slots.filter((slot) => slot.kind === 'password+yubikey') };
}

/**
 * Tries the password (and, where needed, the plugged keys' answers) against the vault's password-type
 * slots. Argon2id runs once per distinct salt and parameters, before any key is asked (so no touch is
 * wasted on a KDF failure), never once per response. Null when nothing opens (a wrong password or a
 * wrong key: the response is mixed into the key, so the two can't be told apart). A vault that needs
 * its key while none is present is KEY_NOT_FOUND, which is no wrong attempt.
 */
export async function openPasswordSlots(
  runtime: VaultRuntime,
  vaultId: Uint8Array,
  slots: readonly SlotRow[],
  password: string,
  yubikey: YubiKeyResponder | undefined,
): Promise<PasswordOpening | null> {
  const { sodium } = runtime;
  const tried = passwordSlotsToTry(slots);
  if (tried.slots.length === 0) throw new VaultError('VAULT_NO_MATCHING_SLOT', 'this vault has no password slot');
  // Every slot's parameters are checked before any KDF runs: a crafted slot must not start one.
  for (const slot of tried.slots) assertKdfParamsInBox({ ops: slot.ops, mem: slot.mem });
  if (tried.needsKey && yubikey === undefined) throw keyNeeded();

  const derived = new Map<string, Uint8Array>();
  const passwordKeyOf = (slot: SlotRow) => derived.get(kdfInputsId(slot)) ?? new Uint8Array(0);
  /** Hands the slot's password key to the caller: it is no longer zeroed with the rest. */
  const opened = (slot: SlotRow, master: Uint8Array, answerer?: YubiKeyAnswerer): PasswordOpening => {
    const passwordKey = passwordKeyOf(slot);
    derived.delete(kdfInputsId(slot));
    return { master, slot, passwordKey, ...(answerer === undefined ? {} : { answerer }) };
  };
  try {
    for (const slot of tried.slots) {
      const id = kdfInputsId(slot);
      if (!derived.has(id)) derived.set(id, await derivePasswordKey(runtime, password, slot.salt, { ops: slot.ops, mem: slot.mem }));
    }
    if (!tried.needsKey) {
      for (const slot of tried.slots) {
        const master = unwrapMasterKey(sodium, vaultId, slot, passwordKeyOf(slot));
        if (master !== null) return opened(slot, master);
      }
      return null;
    }
    if (yubikey === undefined) throw keyNeeded();
    let keyPresent = false;
    // One answerer per challenge-response slot of each plugged key; leaving the loop early lets the
    // responder close its device without asking the remaining slots (and their touches).
    for await (const answerer of yubikey.answerers()) {
      keyPresent = true;
      for (const slot of tried.slots) {
        const response = await answerer.respond(slot.challenge);
        if (response === null) break;
        const kek = passwordYubiKeyKek(sodium, passwordKeyOf(slot), response);
        sodium.memzero(response);
        const master = unwrapMasterKey(sodium, vaultId, slot, kek);
        sodium.memzero(kek);
        if (master !== null) return opened(slot, master, answerer);
      }
    }
    if (!keyPresent) throw keyNeeded();
    return null;
  } finally {
    for (const key of derived.values()) sodium.memzero(key);
  }
}

/** The key's response is mixed into the key, never compared: a wrong key looks like a wrong password. */
export function wrongPasswordWords(slots: readonly SlotRow[]): string {
  return passwordSlotsToTry(slots).needsKey ? 'wrong password or wrong key' : 'wrong password';
}

export function keyNeeded(): VaultError {
  return new VaultError('KEY_NOT_FOUND', KEY_NEEDED_MESSAGE);
}

/** Slots sharing a salt and parameters share one Argon2id run. */
function kdfInputsId(slot: SlotRow): string {
  return `${toHex(slot.salt)}/${String(slot.ops)}/${String(slot.mem)}`;
}
