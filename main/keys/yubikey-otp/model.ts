/**
 * Plain values of the YubiKey OTP application: command codes, flag bits, the status report and the
 * two slots. Names follow ykdef.h / yubikit; values are from the protocol sheet (§2, §4, §5).
 */
export type OtpSlot = 1 | 2;

/** Frame byte 64: what the key is asked to do (sheet §4). */
export const COMMAND = {
  CONFIG_1: 0x01,
  CONFIG_2: 0x03,
  UPDATE_1: 0x04,
  UPDATE_2: 0x05,
  SWAP: 0x06,
  DEVICE_SERIAL: 0x10,
  CHAL_HMAC_1: 0x30,
  CHAL_HMAC_2: 0x38,
} as const;

export const configCommand = (slot: OtpSlot) => (slot === 1 ? COMMAND.CONFIG_1 : COMMAND.CONFIG_2);
export const updateCommand = (slot: OtpSlot) => (slot === 1 ? COMMAND.UPDATE_1 : COMMAND.UPDATE_2);
export const challengeHmacCommand = (slot: OtpSlot) => (slot === 1 ? COMMAND.CHAL_HMAC_1 : COMMAND.CHAL_HMAC_2);

/** Ticket flags (config byte 46). OATH_HOTP and CHAL_RESP share a bit; the cfg flags say which. */
export const TKT_FLAG = { APPEND_CR: 0x20, OATH_HOTP: 0x40, CHAL_RESP: 0x40 } as const;
/** Configuration flags (config byte 47), in the meanings they have for OATH and challenge-response. */
export const CFG_FLAG = {
  OATH_HOTP8: 0x02,
  OATH_FIXED_MODHEX2: 0x40,
  CHAL_HMAC: 0x22,
  HMAC_LT64: 0x04,
  CHAL_BTN_TRIG: 0x08,
} as const;
/** Extended flags (config byte 45). */
export const EXT_FLAG = { SERIAL_API_VISIBLE: 0x04, FAST_TRIG: 0x10, ALLOW_UPDATE: 0x20 } as const;
/** The bits SLOT_UPDATE may change (ykdef.h `*_UPDATE_MASK`). */
export const UPDATE_MASK = { tkt: 0x3f, cfg: 0x0c, ext: 0xff } as const;

/** touchLevel bits of the status report (ykdef.h CONFIG*, yubikit CFGSTATE). */
const TOUCH_LEVEL = { SLOT1_VALID: 0x01, SLOT2_VALID: 0x02, SLOT1_TOUCH: 0x04, SLOT2_TOUCH: 0x08, LED_INV: 0x10 } as const;
export const VALID_SLOTS_MASK = TOUCH_LEVEL.SLOT1_VALID | TOUCH_LEVEL.SLOT2_VALID;

export interface FirmwareVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
}

export const formatFirmware = (version: FirmwareVersion) => `${String(version.major)}.${String(version.minor)}.${String(version.build)}`;

export function firmwareAtLeast(version: FirmwareVersion, major: number, minor: number, build = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.build >= build;
}

export interface OtpSlotState {
  readonly slot: OtpSlot;
  /** Undefined on firmware before 2.1, whose touchLevel is a raw sensor level rather than flags. */
  readonly configured: boolean | undefined;
  /** Types its code on a touch (HOTP, static, Yubico OTP). Challenge-response slots are configured but not touch-triggered. Undefined before fw 3.0. */
  readonly touchTriggered: boolean | undefined;
  /**
   * Slot 1 of a new YubiKey holds Yubico's factory Yubico-OTP credential, which nobody can restore
   * once it is overwritten or deleted. True when slot 1 is (or may be) programmed: ask first.
   */
  readonly mayHoldFactoryCredential: boolean;
}

export interface OtpStatus {
  readonly firmware: FirmwareVersion;
  /** Programming sequence: advances by one on each accepted write; 0 when no slot is valid. */
  readonly pgmSeq: number;
  readonly touchLevel: number;
  readonly slots: readonly [OtpSlotState, OtpSlotState];
  readonly ledInverted: boolean | undefined;
}

/** Reads an idle 8-byte status report (sheet §2.2); byte 0 is ignored, as every host does. */
export function parseStatus(report: Uint8Array): OtpStatus {
  const firmware = { major: report[1] ?? 0, minor: report[2] ?? 0, build: report[3] ?? 0 };
  const touchLevel = (report[5] ?? 0) | ((report[6] ?? 0) << 8);
  const hasValidBits = firmwareAtLeast(firmware, 2, 1);
  const hasTouchBits = firmwareAtLeast(firmware, 3, 0);
  const slot = (number: OtpSlot, valid: number, touch: number): OtpSlotState => {
    const configured = hasValidBits ? (touchLevel & valid) !== 0 : undefined;
    return {
      slot: number,
      configured,
      touchTriggered: hasTouchBits ? (touchLevel & touch) !== 0 : undefined,
      mayHoldFactoryCredential: number === 1 && configured !== false,
    };
  };
  return {
    firmware,
    pgmSeq: report[4] ?? 0,
    touchLevel,
    slots: [slot(1, TOUCH_LEVEL.SLOT1_VALID, TOUCH_LEVEL.SLOT1_TOUCH), slot(2, TOUCH_LEVEL.SLOT2_VALID, TOUCH_LEVEL.SLOT2_TOUCH)],
    ledInverted: hasTouchBits ? (touchLevel & TOUCH_LEVEL.LED_INV) !== 0 : undefined,
  };
}

/** What the user must be told before a slot is overwritten or deleted, or null when the slot is empty. */
export function overwriteWarning(status: OtpStatus, slot: OtpSlot): string | null {
  const state = status.slots[slot - 1];
  if (state?.configured === false) return null;
  if (state?.mayHoldFactoryCredential === true) {
    return (
      'Slot 1 is programmed. On a new YubiKey it holds Yubico\'s factory OTP credential, which ' +
      'cannot be restored once it is overwritten or deleted (nobody, not even Yubico, can put it back).'
    );
  }
  return `Slot ${String(slot)} is programmed. Its secret cannot be read back from the key, so overwriting or deleting it cannot be undone.`;
}

/** A touch wait, told to whoever drives the operation (the service turns it into `op.progress`). */
export interface OtpProgress {
  readonly needsTouch: true;
  /** What the key itself says it will still wait (low 5 bits of the flag byte). */
  readonly secondsLeft: number;
}

/** What every command of a session may be given (yubikit's on_keepalive and cancel event). */
export interface OtpOperationOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: OtpProgress) => void;
}
