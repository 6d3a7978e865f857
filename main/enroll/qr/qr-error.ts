import { LatchkeyError, type ErrorCode } from '../../../shared/errors.js';

export type QrErrorCode = Extract<ErrorCode, `QR_${string}`>;

export class QrError extends LatchkeyError {
  override readonly code: QrErrorCode;

  constructor(code: QrErrorCode, message: string) {
    super(code, message);
    this.name = 'QrError';
    this.code = code;
  }
}
