import { LatchkeyError, type ErrorCode, type ErrorDetails } from '../../shared/errors.js';

export type ImportErrorCode = Extract<ErrorCode, `IMPORT_${string}` | 'KDF_PARAMS_OUT_OF_RANGE'>;

/** A whole-file failure. Per-entry problems are collected as InvalidEntry instead (never thrown). */
export class ImportError extends LatchkeyError {
  override readonly code: ImportErrorCode;

  constructor(code: ImportErrorCode, message: string, details?: ErrorDetails) {
    super(code, message, details);
    this.name = 'ImportError';
    this.code = code;
  }
}

export function malformed(path: string, message: string): ImportError {
  return new ImportError('IMPORT_MALFORMED', `${message} (at ${path})`, { path });
}
