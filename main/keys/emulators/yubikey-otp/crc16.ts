/**
 * CRC-16 as the key computes it (protocol sheet §3): reflected, init 0xFFFF, polynomial 0x8408,
 * no final XOR. The emulator keeps its own copy so it never shares a bug with our driver.
 */
export function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

/** What `crc16(data ‖ ~crc16(data) LE)` always gives: how config structs and responses are checked. */
export const CRC_OK_RESIDUAL = 0xf0b8;

/** `data` followed by its one's-complement CRC, little-endian: the form of config structs and responses. */
export function withInvertedCrc(data: Uint8Array): Uint8Array {
  const crc = ~crc16(data) & 0xffff;
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = crc & 0xff;
  out[data.length + 1] = crc >>> 8;
  return out;
}
