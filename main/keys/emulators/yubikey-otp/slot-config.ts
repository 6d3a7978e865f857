import { createHmac } from 'node:crypto';
import { CRC_OK_RESIDUAL, crc16 } from './crc16.js';

/**
 * The 52-byte slot configuration (protocol sheet §5) as the emulated key stores it, and what the
 * key derives from it: the slot's mode, its touch bit in the status report, its HMAC key.
 */
export interface SlotConfig {
  /** Hex, 16 bytes: public id / OATH token id / static scan codes (only `fixedSize` bytes are used). */
  readonly fixed: string;
  /** Hex, 6 bytes: Yubico-OTP private id, or HMAC key bytes 16..19 + the HOTP IMF. */
  readonly uid: string;
  /** Hex, 16 bytes: the AES key, or the first 16 bytes of the HMAC key. */
  readonly key: string;
  /** Hex, 6 bytes: the access code protecting the slot; all zeros = none. */
  readonly accessCode: string;
  readonly fixedSize: number;
  readonly extFlags: number;
  readonly tktFlags: number;
  readonly cfgFlags: number;
}

export type SlotMode = 'yubico-otp' | 'static-password' | 'oath-hotp' | 'chal-resp-hmac' | 'chal-resp-yubico';

export const CONFIG_SIZE = 52;
export const ACCESS_CODE_SIZE = 6;
export const NO_ACCESS_CODE = '000000000000';

export const TKT = { OATH_HOTP_OR_CHAL_RESP: 0x40, PROTECT_CFG2: 0x80, UPDATE_MASK: 0x3f } as const;
export const CFG = {
  OATH_HOTP8: 0x02,
  HMAC_LT64: 0x04,
  CHAL_BTN_TRIG: 0x08,
  STATIC_TICKET: 0x20,
  CHAL_YUBICO: 0x20,
  CHAL_HMAC: 0x22,
  UPDATE_MASK: 0x0c,
} as const;
export const EXT = { SERIAL_API_VISIBLE: 0x04, ALLOW_UPDATE: 0x20, LED_INV: 0x80 } as const;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** True when the struct carries a valid `~crc16` over its first 50 bytes (sheet §3). */
export function configCrcValid(config: Uint8Array): boolean {
  return config.length === CONFIG_SIZE && crc16(config) === CRC_OK_RESIDUAL;
}

export function parseConfig(config: Uint8Array): SlotConfig {
  if (config.length !== CONFIG_SIZE) throw new RangeError(`a slot configuration is ${String(CONFIG_SIZE)} bytes`);
  return {
    fixed: hex(config.subarray(0, 16)),
    uid: hex(config.subarray(16, 22)),
    key: hex(config.subarray(22, 38)),
    accessCode: hex(config.subarray(38, 44)),
    fixedSize: config[44] ?? 0,
    extFlags: config[45] ?? 0,
    tktFlags: config[46] ?? 0,
    cfgFlags: config[47] ?? 0,
  };
}

/** The same bit means different things per mode (sheet §5): tkt 0x40 plus cfg 0x20 is challenge-response. */
export function slotMode(slot: SlotConfig): SlotMode {
  const tktMode = (slot.tktFlags & TKT.OATH_HOTP_OR_CHAL_RESP) !== 0;
  if (tktMode && (slot.cfgFlags & CFG.CHAL_YUBICO) !== 0) {
    return (slot.cfgFlags & CFG.CHAL_HMAC) === CFG.CHAL_HMAC ? 'chal-resp-hmac' : 'chal-resp-yubico';
  }
  if (tktMode) return 'oath-hotp';
  return (slot.cfgFlags & CFG.STATIC_TICKET) !== 0 ? 'static-password' : 'yubico-otp';
}

/** Keyboard slots are triggered by a touch; challenge-response slots are valid but not touch-triggered. */
export function isTouchTriggered(slot: SlotConfig): boolean {
  const mode = slotMode(slot);
  return mode !== 'chal-resp-hmac' && mode !== 'chal-resp-yubico';
}

/** The 20-byte HMAC key: `key` (16) then `uid[0..3]` (sheet §6). */
export function hmacKey(slot: SlotConfig): Buffer {
  return Buffer.concat([Buffer.from(slot.key, 'hex'), Buffer.from(slot.uid, 'hex').subarray(0, 4)]);
}

/** The initial moving factor: `uid[4..5]` big-endian, times 16 (sheet §6). */
export function initialMovingFactor(slot: SlotConfig): number {
  const uid = Buffer.from(slot.uid, 'hex');
  return uid.readUInt16BE(4) * 16;
}

export function hotpDigits(slot: SlotConfig): 6 | 8 {
  return (slot.cfgFlags & CFG.OATH_HOTP8) !== 0 ? 8 : 6;
}

export function hasAccessCode(slot: SlotConfig): boolean {
  return slot.accessCode !== NO_ACCESS_CODE;
}

/** RFC 4226: the code an OATH-HOTP slot types at `counter`. */
export function hotpCode(slot: SlotConfig, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', hmacKey(slot)).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const digits = hotpDigits(slot);
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits).padStart(digits, '0');
}
