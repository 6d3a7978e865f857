import type { ApduTransport } from '../apdu.js';

/**
 * A YubiKey's serial over its CCID interface, from the Management applet as ykman reads it
 * (YubiKey OATH sheet, "Management applet"): SELECT `A0 00 00 05 27 47 11 17`, then READ CONFIG
 * page 0, whose answer is a length byte and TLVs with the serial under tag 02 (4 bytes, big-endian).
 * The OATH applet itself does not say the serial, and `--key SERIAL` must find a key by it.
 * Null when the key has no Management applet, hides the serial or answers something else: the key
 * is then listed without one (and can't be picked by `--key`), never guessed.
 */
const SELECT_MANAGEMENT = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x08, 0xa0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17);
const READ_CONFIG_PAGE_0 = Uint8Array.of(0x00, 0x1d, 0x00, 0x00, 0x00);
const TAG_SERIAL = 0x02;

const statusOk = (answer: Uint8Array) => answer.length >= 2 && answer[answer.length - 2] === 0x90 && answer[answer.length - 1] === 0x00;

export async function readYubiKeySerial(transport: ApduTransport): Promise<number | null> {
  if (!statusOk(await transport.transmit(SELECT_MANAGEMENT))) return null;
  const answer = await transport.transmit(READ_CONFIG_PAGE_0);
  if (!statusOk(answer)) return null;
  return serialFromConfig(answer.subarray(0, answer.length - 2));
}

/** The serial in READ CONFIG's data (`len ‖ TLVs`), or null when absent or malformed. */
export function serialFromConfig(data: Uint8Array): number | null {
  const length = data[0];
  if (length === undefined || length + 1 > data.length) return null;
  for (let offset = 1; offset + 2 <= length + 1; ) {
    const tag = data[offset] ?? 0;
    const size = data[offset + 1] ?? 0;
    const value = data.subarray(offset + 2, offset + 2 + size);
    if (value.length !== size) return null;
    if (tag === TAG_SERIAL && size === 4) return new DataView(value.buffer, value.byteOffset, 4).getUint32(0, false);
    offset += 2 + size;
  }
  return null;
}
