import { LatchkeyError, type ErrorCode } from '../../../shared/errors.js';

export type UriErrorCode = Extract<ErrorCode, `URI_${string}` | 'MIGRATION_MALFORMED'>;

/** A URI that can't become an account. The message names the problem, never the secret or the URI. */
export class UriError extends LatchkeyError {
  override readonly code: UriErrorCode;

  constructor(code: UriErrorCode, message: string) {
    super(code, message);
    this.name = 'UriError';
    this.code = code;
  }
}
