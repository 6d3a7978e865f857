import type { KeyWrites, RecordStore } from '../../vault/index.js';

/**
 * The vault's sealed `key-writes` record: what Latchkey wrote to which YubiKey (by serial) and slot.
 * A slot's configuration can't be read back from the key, so this is the only place that says which
 * account's HOTP secret, or which challenge-response key, a slot holds. Each change is computed here
 * as a new whole value and written in one transaction, after the key confirmed its own write.
 */
export type SlotName = '1' | '2';
export type SlotWrite = NonNullable<KeyWrites[string][SlotName]>;

const slotName = (slot: 1 | 2): SlotName => (slot === 1 ? '1' : '2');

/** The record with `slot` of key `serial` set to `write` (a new value; `writes` is left as it was). */
export function withSlotWritten(writes: KeyWrites, serial: number, slot: 1 | 2, write: SlotWrite): KeyWrites {
  return { ...writes, [String(serial)]: { ...writes[String(serial)], [slotName(slot)]: write } };
}

/** The record without `slot` of key `serial`; a key with no slot left goes too. */
export function withSlotCleared(writes: KeyWrites, serial: number, slot: 1 | 2): KeyWrites {
  const { [String(serial)]: slots, ...others } = writes;
  if (slots === undefined) return writes;
  const { [slotName(slot)]: _gone, ...kept } = slots;
  return Object.keys(kept).length === 0 ? others : { ...others, [String(serial)]: kept };
}

/** The record after slots 1 and 2 of key `serial` traded places, as the key's own swap does. */
export function withSlotsSwapped(writes: KeyWrites, serial: number): KeyWrites {
  const slots = writes[String(serial)];
  if (slots === undefined) return writes;
  const swapped: KeyWrites[string] = {};
  if (slots['1'] !== undefined) swapped['2'] = slots['1'];
  if (slots['2'] !== undefined) swapped['1'] = slots['2'];
  return { ...writes, [String(serial)]: swapped };
}

/** Applies `change` to the stored record inside a vault transaction (an absent record is empty). */
export function updateKeyWrites(records: RecordStore, change: (writes: KeyWrites) => KeyWrites): void {
  records.put('key-writes', change(records.get('key-writes') ?? {}));
}
