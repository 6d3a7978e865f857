/**
 * The CRC-16 every YubiKey OTP structure uses (protocol sheet §3): reflected, init 0xffff,
 * polynomial 0x8408, no final xor (CRC-16/MCRF4XX). Frames carry the raw value; configurations and
 * the key's responses carry its complement, so a whole checked block leaves the residual below.
 */
export const CRC_OK_RESIDUAL = 0xf0b8;

export function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

/** True when `block` ends with the complemented little-endian CRC of what precedes it. */
export function hasValidCrc(block: Uint8Array): boolean {
  return crc16(block) === CRC_OK_RESIDUAL;
}
