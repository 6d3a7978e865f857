import { isErrorCode, type ErrorCode, type ErrorDetails } from '../../shared/errors.js';

interface ErrorLike {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: ErrorDetails;
}

/** By shape, not class: the client that threw may come from another bundle (the preload). */
function isLatchkeyError(error: unknown): error is ErrorLike {
  return error instanceof Error && isErrorCode((error as Partial<ErrorLike>).code);
}

/** A sentence for the person at the keyboard, per error code. */
export function describeError(error: unknown): string {
  if (!isLatchkeyError(error)) return 'Something went wrong.';
  switch (error.code) {
    case 'VAULT_WRONG_PASSWORD':
      return waitText('Wrong password.', error.details?.retryAfterMs);
    case 'VAULT_TOO_MANY_ATTEMPTS':
      return waitText('Too many wrong passwords.', error.details?.retryAfterMs);
    case 'PASSWORD_REJECTED':
      return error.message.charAt(0).toUpperCase() + error.message.slice(1) + '.';
    default:
      return error.message.charAt(0).toUpperCase() + error.message.slice(1) + '.';
  }
}

function waitText(first: string, retryAfterMs: unknown): string {
  return typeof retryAfterMs === 'number' && retryAfterMs > 0 ? `${first} Try again in ${String(Math.ceil(retryAfterMs / 1000))} s.` : first;
}
