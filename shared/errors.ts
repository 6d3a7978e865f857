/**
 * The error-code union and its exit-code table: the one place both are defined.
 * The CLI exits with these codes; IPC replies carry the code string. Numbers are grouped by area
 * and never reused, because scripts depend on them.
 */
export const EXIT_CODES = {
  INTERNAL: 1,
  USAGE: 2,
  AMBIGUOUS: 3,
  NOT_FOUND: 4,
  ACCOUNT_INVALID: 5,
  INVALID_REQUEST: 6,
  CANCELLED: 7,
  UNSUPPORTED: 8,
  IO_ERROR: 9,

  VAULT_WRONG_PASSWORD: 10,
  VAULT_LOCKED: 11,
  VAULT_TOO_MANY_ATTEMPTS: 12,
  VAULT_CORRUPT: 13,
  VAULT_NOT_A_VAULT: 14,
  VAULT_TOO_NEW: 15,
  VAULT_INTEGRITY: 16,
  VAULT_IN_USE: 17,
  VAULT_NO_MATCHING_SLOT: 18,
  KDF_PARAMS_OUT_OF_RANGE: 19,
  VAULT_NOT_FOUND: 40,
  VAULT_EXISTS: 41,
  PASSWORD_REJECTED: 42,
  ACCOUNT_DUPLICATE: 43,

  URI_BAD_SCHEME: 20,
  URI_BAD_TYPE: 21,
  URI_BAD_SECRET: 22,
  URI_BAD_DIGITS: 23,
  URI_BAD_PERIOD: 24,
  URI_BAD_COUNTER: 25,
  URI_BAD_ALGORITHM: 26,
  URI_MALFORMED: 27,
  URI_TOO_LONG: 28,
  MIGRATION_MALFORMED: 29,

  QR_NOT_FOUND: 30,
  QR_INVALID_IMAGE: 31,
  QR_IMAGE_TOO_LARGE: 32,
  QR_NOT_OTP: 33,
  CAPTURE_UNAVAILABLE: 34,
  CAPTURE_DENIED: 35,

  IMPORT_EMPTY: 50,
  IMPORT_TOO_LARGE: 51,
  IMPORT_UNREADABLE: 52,
  IMPORT_UNKNOWN_FORMAT: 53,
  IMPORT_MALFORMED: 54,
  IMPORT_ARCHIVE_REJECTED: 55,
  IMPORT_WRONG_PASSWORD: 56,
  IMPORT_INTEGRITY: 57,
  IMPORT_UNSUPPORTED_VERSION: 58,
  ENTRY_INVALID: 59,

  BACKUP_WRONG_PASSWORD: 60,
  BACKUP_TRUNCATED: 61,
  BACKUP_TRAILING_DATA: 62,
  BACKUP_INTEGRITY: 63,
  BACKUP_TOO_NEW: 64,
  BACKUP_MALFORMED: 65,

  KEY_NOT_FOUND: 70,
  KEY_TIMEOUT: 71,
  KEY_TOUCH_TIMEOUT: 72,
  KEY_PROTOCOL: 73,
  KEY_UNPLUGGED: 74,
  KEY_PIN_REQUIRED: 75,
  KEY_PIN_WRONG: 76,
  KEY_FULL: 77,
  KEY_UNSUPPORTED: 78,

  KEY_PERMISSION_DENIED: 80,
  KEY_WRITE_REJECTED: 81,
  KEY_CREDENTIAL_EXISTS: 82,
  KEY_SERVICE_UNAVAILABLE: 83,

  SHORTCUT_TAKEN: 90,
  TYPING_UNAVAILABLE: 91,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof EXIT_CODES;

export const ERROR_CODES = Object.keys(EXIT_CODES) as [ErrorCode, ...ErrorCode[]];

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODES[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(EXIT_CODES, value);
}

/** Structured facts about an error, safe to show: never a secret, a label or ciphertext. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | null>>;

/** The error shape that crosses every door (IPC reply, CLI --json, e2e binding). */
export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: ErrorDetails;
}

/**
 * Every expected failure is a LatchkeyError with a fixed code. Anything else that escapes a
 * handler is a bug and is reported as INTERNAL.
 */
export class LatchkeyError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'LatchkeyError';
    this.code = code;
    this.details = details;
  }

  toInfo(): ErrorInfo {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromInfo(info: ErrorInfo): LatchkeyError {
    return new LatchkeyError(info.code, info.message, info.details);
  }
}

/** A user mistake in how a command or request was phrased (flags, missing arguments). */
export class UsageError extends LatchkeyError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

/** One field of an account is out of its range; `field` names it for forms and scripts. */
export class AccountInvalidError extends LatchkeyError {
  readonly field: string;

  constructor(field: string, message: string) {
    super('ACCOUNT_INVALID', message, { field });
    this.name = 'AccountInvalidError';
    this.field = field;
  }
}
