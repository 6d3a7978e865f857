/**
 * YKOATH numbers shared by the YubiKey OATH applet and the Nitrokey 3 Secrets App (YubiKey sheet
 * §3, NK3 sheet §4). Where the two keys differ, the dialects (`dialects.ts`) say so.
 */
export const OATH_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01);

export const INS = {
  PUT: 0x01,
  DELETE: 0x02,
  SET_CODE: 0x03,
  RESET: 0x04,
  RENAME: 0x05,
  LIST: 0xa1,
  CALCULATE: 0xa2,
  VALIDATE: 0xa3,
  /** Also SELECT, with P1 = 04: the applet dispatches INS A4 on P1 (YubiKey sheet trap 1). */
  CALCULATE_ALL: 0xa4,
  SELECT: 0xa4,
  SEND_REMAINING: 0xa5,
  /** NK3 only (NK3 sheet §4). */
  VERIFY_PIN: 0xb2,
  CHANGE_PIN: 0xb3,
  SET_PIN: 0xb4,
  UPDATE_CREDENTIAL: 0xb7,
} as const;

export const TAG = {
  NAME: 0x71,
  NAME_LIST: 0x72,
  KEY: 0x73,
  CHALLENGE: 0x74,
  RESPONSE: 0x75,
  TRUNCATED: 0x76,
  HOTP: 0x77,
  /** In PUT a tag-and-value pair with NO length byte (trap 2). */
  PROPERTY: 0x78,
  VERSION: 0x79,
  IMF: 0x7a,
  ALGORITHM: 0x7b,
  TOUCH: 0x7c,
  /** NK3 only. */
  PIN: 0x80,
  NEW_PIN: 0x81,
  PIN_ATTEMPTS: 0x82,
  SERIAL: 0x8f,
} as const;

export const OATH_TYPE = { hotp: 0x10, totp: 0x20 } as const;
export const HASH_ALGORITHM = { SHA1: 0x01, SHA256: 0x02, SHA512: 0x03 } as const;

/** PUT property bits (tag 78). The NK3's LIST properties use other bits: see `dialects.ts`. */
export const PUT_PROPERTY = { NONE: 0x00, REQUIRE_TOUCH: 0x02 } as const;

export const SW = {
  OK: 0x9000,
  /** Any 61xx: more data, ask with SEND REMAINING. */
  MORE_DATA_SW1: 0x61,
  VERIFY_FAILED: 0x6300,
  SECURITY_STATUS: 0x6982,
  OPERATION_BLOCKED: 0x6983,
  NO_SUCH_OBJECT: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  NOT_FOUND: 0x6a82,
  NO_SPACE: 0x6a84,
  INS_NOT_SUPPORTED: 0x6d00,
  COMMAND_ABORTED: 0x6f00,
} as const;

/** The TOTP step every key's CALCULATE ALL uses; other periods live only in the id (`60/…`). */
export const DEFAULT_PERIOD = 30;
