import { LatchkeyError, type ErrorCode, type ErrorDetails } from '../../../shared/errors.js';

export type BackupErrorCode = Extract<ErrorCode, `BACKUP_${string}`>;

export class BackupError extends LatchkeyError {
  override readonly code: BackupErrorCode;

  constructor(code: BackupErrorCode, message: string, details?: ErrorDetails) {
    super(code, message, details);
    this.name = 'BackupError';
    this.code = code;
  }
}
