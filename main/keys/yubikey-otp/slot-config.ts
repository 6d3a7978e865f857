import { createHash } from 'node:crypto';
import { LatchkeyError } from '../../../shared/errors.js';
import { crc16 } from './crc16.js';
import { CFG_FLAG, EXT_FLAG, TKT_FLAG, UPDATE_MASK, type FirmwareVersion } from './model.js';

/**
 * The 52-byte slot configuration (ykdef.h `config_st`, sheet §5) with Yubico's own default flags, as
 * yubikit's SlotConfiguration classes set them (the vectors were cross-checked against those).
 */
export const CONFIG_SIZE = 52;
export const ACCESS_CODE_SIZE = 6;
export const CHALLENGE_BLOCK_SIZE = 64;
/** A slot stores at most 20 HMAC key bytes: 16 in `key`, 4 in `uid`. */
export const HMAC_KEY_SIZE = 20;
const HMAC_SHA1_BLOCK = 64;
export const IMF_MAX = 1_048_560;

const OFFSET = { fixed: 0, uid: 16, key: 22, accCode: 38, fixedSize: 44, ext: 45, tkt: 46, cfg: 47, crc: 50 } as const;

export interface SlotConfiguration {
  readonly kind: 'hotp' | 'hmac-sha1' | 'update';
  /** The 52 bytes written to the key, CRC included. */
  readonly bytes: Uint8Array;
  readonly minFirmware: FirmwareVersion;
}

export interface HotpSlotOptions {
  /** The account's HMAC-SHA1 secret: at most 20 bytes, or over 64 (then hashed, as HMAC itself does). */
  readonly key: Uint8Array;
  readonly digits?: 6 | 8;
  /** The starting counter: a multiple of 16 from 0 to 1,048,560 (sheet §6). */
  readonly initialMovingFactor?: number;
  /** Press Enter after the code (Yubico's default). */
  readonly appendCr?: boolean;
  /** A new 6-byte access code protecting the slot; omitted = none. */
  readonly accessCode?: Uint8Array;
}

export interface HmacSha1SlotOptions {
  readonly key: Uint8Array;
  /** The key answers only after a touch (CHAL_BTN_TRIG). */
  readonly requireTouch?: boolean;
  /** Variable-length challenges (HMAC_LT64, Yubico's default; see `hmacLt64Message`). */
  readonly variableLength?: boolean;
  readonly accessCode?: Uint8Array;
}

export interface UpdateSlotOptions {
  readonly appendCr?: boolean;
  readonly fastTrigger?: boolean;
  /** The access code the slot has after the update; omitted = none (an update without it removes protection). */
  readonly accessCode?: Uint8Array;
}

const invalid = (field: string, message: string) => new LatchkeyError('INVALID_REQUEST', message, { field });

export function checkAccessCode(code: Uint8Array | undefined, field = 'accessCode'): Uint8Array {
  if (code === undefined) return new Uint8Array(ACCESS_CODE_SIZE);
  if (code.length !== ACCESS_CODE_SIZE) throw invalid(field, `an access code is ${String(ACCESS_CODE_SIZE)} bytes (12 hex digits), not ${String(code.length)}`);
  return code;
}

/** The key bytes the slot stores: keys over 64 bytes are hashed first (HMAC does the same, so codes agree). */
export function slotHmacKey(key: Uint8Array): Uint8Array {
  const effective = key.length > HMAC_SHA1_BLOCK ? new Uint8Array(createHash('sha1').update(key).digest()) : key;
  if (effective.length > HMAC_KEY_SIZE) {
    throw new LatchkeyError(
      'KEY_UNSUPPORTED',
      `a YubiKey OTP slot holds an HMAC-SHA1 key of at most ${String(HMAC_KEY_SIZE)} bytes; this one has ${String(key.length)}`,
      { maxKeyBytes: HMAC_KEY_SIZE },
    );
  }
  if (effective.length === 0) throw invalid('key', 'the HMAC key is empty');
  return effective;
}

interface ConfigFields {
  readonly fixedSize?: number;
  readonly key?: Uint8Array;
  readonly imfBlock?: number;
  readonly accessCode: Uint8Array;
  readonly ext: number;
  readonly tkt: number;
  readonly cfg: number;
}

function buildConfig(fields: ConfigFields): Uint8Array {
  const config = new Uint8Array(CONFIG_SIZE);
  if (fields.key !== undefined) {
    // Key bytes 0..15 go to `key`, 16..19 to uid[0..3]; shorter keys stay zero-padded (HMAC pads them the same).
    config.set(fields.key.subarray(0, 16), OFFSET.key);
    config.set(fields.key.subarray(16, HMAC_KEY_SIZE), OFFSET.uid);
  }
  if (fields.imfBlock !== undefined) {
    config[OFFSET.uid + 4] = fields.imfBlock >>> 8;
    config[OFFSET.uid + 5] = fields.imfBlock & 0xff;
  }
  config.set(fields.accessCode, OFFSET.accCode);
  config[OFFSET.fixedSize] = fields.fixedSize ?? 0;
  config[OFFSET.ext] = fields.ext;
  config[OFFSET.tkt] = fields.tkt;
  config[OFFSET.cfg] = fields.cfg;
  const crc = ~crc16(config.subarray(0, OFFSET.crc)) & 0xffff;
  config[OFFSET.crc] = crc & 0xff;
  config[OFFSET.crc + 1] = crc >>> 8;
  return config;
}

/** Yubico's base: the serial visible to host software, and later updates allowed. */
const BASE_EXT = EXT_FLAG.SERIAL_API_VISIBLE | EXT_FLAG.ALLOW_UPDATE;
/** Slots that type something add a fast trigger and, by default, Enter after the output. */
const keyboardFlags = (appendCr: boolean, fastTrigger = true) => ({
  ext: BASE_EXT | (fastTrigger ? EXT_FLAG.FAST_TRIG : 0),
  tkt: appendCr ? TKT_FLAG.APPEND_CR : 0,
});

export function hotpConfiguration(options: HotpSlotOptions): SlotConfiguration {
  const digits: number = options.digits ?? 6;
  if (digits !== 6 && digits !== 8) throw invalid('digits', 'a YubiKey types 6 or 8 digit HOTP codes');
  const imf = options.initialMovingFactor ?? 0;
  if (!Number.isInteger(imf) || imf < 0 || imf > IMF_MAX || imf % 16 !== 0) {
    throw invalid('initialMovingFactor', `the initial moving factor must be a multiple of 16 from 0 to ${String(IMF_MAX)}`);
  }
  const keyboard = keyboardFlags(options.appendCr ?? true);
  return {
    kind: 'hotp',
    minFirmware: { major: 2, minor: 2, build: 0 },
    bytes: buildConfig({
      key: slotHmacKey(options.key),
      imfBlock: imf / 16,
      accessCode: checkAccessCode(options.accessCode),
      ext: keyboard.ext,
      tkt: keyboard.tkt | TKT_FLAG.OATH_HOTP,
      // OATH_FIXED_MODHEX2 only changes how a token id is typed; with none stored it types nothing extra.
      cfg: CFG_FLAG.OATH_FIXED_MODHEX2 | (digits === 8 ? CFG_FLAG.OATH_HOTP8 : 0),
    }),
  };
}

export function hmacSha1Configuration(options: HmacSha1SlotOptions): SlotConfiguration {
  let cfg: number = CFG_FLAG.CHAL_HMAC;
  if (options.variableLength ?? true) cfg |= CFG_FLAG.HMAC_LT64;
  if (options.requireTouch === true) cfg |= CFG_FLAG.CHAL_BTN_TRIG;
  return {
    kind: 'hmac-sha1',
    minFirmware: { major: 2, minor: 2, build: 0 },
    bytes: buildConfig({
      key: slotHmacKey(options.key),
      imfBlock: 0,
      accessCode: checkAccessCode(options.accessCode),
      ext: BASE_EXT,
      tkt: TKT_FLAG.CHAL_RESP,
      cfg,
    }),
  };
}

/** SLOT_UPDATE: only the updatable flags and the access code; the slot's secret stays. */
export function updateConfiguration(options: UpdateSlotOptions = {}): SlotConfiguration {
  const keyboard = keyboardFlags(options.appendCr ?? true, options.fastTrigger ?? true);
  return {
    kind: 'update',
    minFirmware: { major: 2, minor: 3, build: 0 },
    bytes: buildConfig({
      // yubikit's update carries 16 zero bytes of `fixed` and says so in fixedSize; the key keeps the
      // slot's own fixed part either way. We send what yubikit sends, byte for byte.
      fixedSize: 16,
      accessCode: checkAccessCode(options.accessCode),
      ext: keyboard.ext & UPDATE_MASK.ext,
      tkt: keyboard.tkt & UPDATE_MASK.tkt,
      cfg: 0 & UPDATE_MASK.cfg,
    }),
  };
}

/**
 * The 64-byte challenge block, padded as yubikit pads it: with a byte that differs from the
 * challenge's last byte (0x00, or 0x01 when the challenge ends in 0x00), so a key with HMAC_LT64 can
 * find where the challenge ends.
 */
export function padChallenge(challenge: Uint8Array): Uint8Array {
  if (challenge.length > CHALLENGE_BLOCK_SIZE) {
    throw invalid('challenge', `a challenge is at most ${String(CHALLENGE_BLOCK_SIZE)} bytes, not ${String(challenge.length)}`);
  }
  const pad = challenge.length > 0 && challenge[challenge.length - 1] === 0 ? 0x01 : 0x00;
  const block = new Uint8Array(CHALLENGE_BLOCK_SIZE).fill(pad);
  block.set(challenge);
  return block;
}

/**
 * What a key with HMAC_LT64 actually HMACs (sheet §7, a model from user reports): the block minus
 * its last byte and every equal byte just before it. So a full 64-byte challenge loses at least its
 * last byte on such a slot; only a slot without HMAC_LT64 HMACs all 64 bytes.
 */
export function hmacLt64Message(block: Uint8Array): Uint8Array {
  let end = block.length;
  const pad = block[end - 1];
  while (end > 0 && block[end - 1] === pad) end--;
  return block.subarray(0, end);
}
