import { LatchkeyError, type ErrorCode, type ErrorDetails } from '../../shared/errors.js';

export type VaultErrorCode = Extract<
  ErrorCode,
  `VAULT_${string}` | 'KDF_PARAMS_OUT_OF_RANGE' | 'PASSWORD_REJECTED' | 'NOT_FOUND' | 'IO_ERROR' | 'KEY_NOT_FOUND' | 'USAGE'
>;

/** A vault failure. Messages name the problem and the file, never a secret, label or ciphertext. */
export class VaultError extends LatchkeyError {
  override readonly code: VaultErrorCode;

  constructor(code: VaultErrorCode, message: string, details?: ErrorDetails) {
    super(code, message, details);
    this.name = 'VaultError';
    this.code = code;
  }
}
