import { utf8 } from './bytes.js';
import type { SlotRow } from './header.js';
import { randomBytes } from './random.js';
import { unwrapMasterKey, wrapMasterKey } from './slots.js';
import type { Sodium } from './sodium.js';
import { VaultError } from './vault-error.js';

/** A device key: 32 random bytes the OS keyring keeps (as safeStorage ciphertext, never in the clear on disk). */
export const DEVICE_KEY_BYTES = 32;

/**
 * How long a keyring unlock stands in for the password (SECURITY-NOTES §1): after 7 days since the
 * password was last typed, the password is asked again.
 */
export const KEYRING_PASSWORD_EVERY_MS = 7 * 24 * 3600 * 1000;

export function newDeviceKey(): Uint8Array {
  return randomBytes(DEVICE_KEY_BYTES);
}

/** KEK = BLAKE2b-256(key = device key, msg = "LK keyring v1"). Full entropy: no Argon2. */
export function keyringKek(sodium: Sodium, deviceKey: Uint8Array): Uint8Array {
  if (deviceKey.length !== DEVICE_KEY_BYTES) throw new VaultError('VAULT_WRONG_PASSWORD', 'the keyring did not give back a device key of this vault');
  return sodium.crypto_generichash(32, utf8('LK keyring v1'), deviceKey);
}

export function makeKeyringSlot(sodium: Sodium, vaultId: Uint8Array, master: Uint8Array, deviceKey: Uint8Array): SlotRow {
  const kek = keyringKek(sodium, deviceKey);
  try {
    return wrapMasterKey(sodium, vaultId, master, kek, { kind: 'keyring' });
  } finally {
    sodium.memzero(kek);
  }
}

/** The master key from the first keyring slot the device key opens, or null. */
export function openKeyringSlots(sodium: Sodium, vaultId: Uint8Array, slots: readonly SlotRow[], deviceKey: Uint8Array): Uint8Array | null {
  const keyringSlots = slots.filter((slot) => slot.kind === 'keyring');
  if (keyringSlots.length === 0) throw new VaultError('VAULT_NO_MATCHING_SLOT', 'this vault has no keyring slot (it was removed, perhaps by a password change): unlock with the password');
  const kek = keyringKek(sodium, deviceKey);
  try {
    for (const slot of keyringSlots) {
      const master = unwrapMasterKey(sodium, vaultId, slot, kek);
      if (master !== null) return master;
    }
    return null;
  } finally {
    sodium.memzero(kek);
  }
}

/** Unix seconds of the last time the password was typed, or undefined; due when older than 7 days. */
export function keyringPasswordDue(passwordTypedAt: number | undefined, nowMs: number): boolean {
  return passwordTypedAt === undefined || nowMs - passwordTypedAt * 1000 >= KEYRING_PASSWORD_EVERY_MS;
}
