import { randomBytes } from './random.js';
import { slotAssociatedData, type SlotRow } from './header.js';
import { KDF_ID, type SlotKind } from './format.js';
import type { KdfParams } from './kdf-params.js';
import { open, seal } from './sealing.js';
import type { Sodium } from './sodium.js';

export const SALT_BYTES = 16;
export const SLOT_ID_BYTES = 16;

export interface NewSlot {
  readonly kind: SlotKind;
  /** KDF parameters and salt for password slots; absent for full-entropy slots (recovery). */
  readonly kdf?: { readonly params: KdfParams; readonly salt: Uint8Array };
  readonly challenge?: Uint8Array;
}

/** Seals the master key under a slot's key-encryption key, bound to every parameter of the slot. */
export function wrapMasterKey(sodium: Sodium, vaultId: Uint8Array, masterKey: Uint8Array, kek: Uint8Array, slot: NewSlot): SlotRow {
  const header = {
    slotId: randomBytes(SLOT_ID_BYTES),
    kind: slot.kind,
    kdf: slot.kdf === undefined ? 'none' : KDF_ID,
    ops: slot.kdf?.params.ops ?? 0,
    mem: slot.kdf?.params.mem ?? 0,
    salt: slot.kdf?.salt ?? new Uint8Array(0),
    challenge: slot.challenge ?? new Uint8Array(0),
  };
  const { nonce, ct } = seal(sodium, kek, masterKey, slotAssociatedData(vaultId, header));
  return { ...header, nonce, wrappedMk: ct };
}

/** The master key, or null when this key-encryption key does not open the slot. */
export function unwrapMasterKey(sodium: Sodium, vaultId: Uint8Array, slot: SlotRow, kek: Uint8Array): Uint8Array | null {
  return open(sodium, kek, { nonce: slot.nonce, ct: slot.wrappedMk }, slotAssociatedData(vaultId, slot));
}
