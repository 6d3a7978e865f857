import { concatBytes, encodeFields, u32be, utf8 } from './bytes.js';
import { SLOT_AD_VERSION, type SlotKind } from './format.js';
import type { Sodium } from './sodium.js';

export interface MetaRow {
  readonly magic: string;
  readonly formatVersion: number;
  readonly vaultId: Uint8Array;
  readonly headerSum: Uint8Array;
}

export interface SlotRow {
  readonly slotId: Uint8Array;
  readonly kind: SlotKind;
  readonly kdf: string;
  readonly ops: number;
  readonly mem: number;
  readonly salt: Uint8Array;
  readonly challenge: Uint8Array;
  readonly nonce: Uint8Array;
  readonly wrappedMk: Uint8Array;
}

/**
 * Unkeyed BLAKE2b-256 over the header and every slot. A mismatch is damage, reported before any
 * password is asked for; a match followed by a failed unwrap is a wrong password (the KDBX 4 trick).
 */
export function computeHeaderSum(sodium: Sodium, meta: Omit<MetaRow, 'headerSum'>, slots: readonly SlotRow[]): Uint8Array {
  const sorted = [...slots].sort((a, b) => Buffer.compare(a.slotId, b.slotId));
  const fields: (Uint8Array | string | number)[] = ['LK header v1', meta.magic, meta.formatVersion, meta.vaultId];
  for (const slot of sorted) {
    fields.push(slot.slotId, slot.kind, slot.kdf, slot.ops, slot.mem, slot.salt, slot.challenge, slot.nonce, slot.wrappedMk);
  }
  return sodium.crypto_generichash(32, encodeFields(fields), null);
}

/**
 * A slot's associated data: every parameter that shapes its key, so none can be changed unnoticed. The
 * version in it is the slot layout's (SLOT_AD_VERSION), so slots survive a format migration untouched.
 */
export function slotAssociatedData(vaultId: Uint8Array, slot: Omit<SlotRow, 'nonce' | 'wrappedMk'>): Uint8Array {
  return concatBytes([
    utf8('LK slot v1'),
    vaultId,
    u32be(SLOT_AD_VERSION),
    encodeFields([slot.slotId, slot.kind, slot.kdf, slot.ops, slot.mem, slot.salt, slot.challenge]),
  ]);
}
