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

export function errorCode(error: unknown): ErrorCode | undefined {
  return isLatchkeyError(error) ? error.code : undefined;
}

/** The form field an ACCOUNT_INVALID error is about, so the message can sit under that field. */
export function errorField(error: unknown): string | undefined {
  if (!isLatchkeyError(error)) return undefined;
  const field = error.details?.field;
  return typeof field === 'string' ? field : undefined;
}

/** A sentence for the person at the keyboard, per error code. */
export function describeError(error: unknown): string {
  if (!isLatchkeyError(error)) return 'Something went wrong.';
  switch (error.code) {
    case 'VAULT_WRONG_PASSWORD':
      return waitText('Wrong password.', error.details?.retryAfterMs);
    case 'VAULT_TOO_MANY_ATTEMPTS':
      // A damaged attempts counter (details.path) is not about wrong passwords: main's words name the file.
      return typeof error.details?.path === 'string' ? sentence(error.message) : waitText('Too many wrong passwords.', error.details?.retryAfterMs);
    case 'VAULT_LOCKED':
      return 'The vault locked. Unlock it to go on.';
    case 'QR_NOT_FOUND':
      return 'No QR code found in that image. Try a sharper or larger picture of the code.';
    case 'CAPTURE_UNAVAILABLE':
    case 'CAPTURE_DENIED':
      return sentence(error.message);
    default:
      return sentence(error.message);
  }
}

function waitText(first: string, retryAfterMs: unknown): string {
  return typeof retryAfterMs === 'number' && retryAfterMs > 0 ? `${first} Try again in ${String(Math.ceil(retryAfterMs / 1000))} s.` : first;
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The user cancelled one of main's dialogs: nothing to report. */
export function isCancelled(error: unknown): boolean {
  return errorCode(error) === 'CANCELLED';
}
