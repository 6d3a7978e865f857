import type { DataError } from '../data/hooks.js';

/**
 * A sync's failure in the panel's words where main's are the CLI's (a locked key: main names the
 * `--key-password-file` flag; here the keys panel opens it, and main then keeps it open while the
 * vault is unlocked). Anything else is main's own sentence.
 */
export function syncErrorText(error: DataError): string {
  switch (error.code) {
    case 'CANCELLED':
      return 'You cancelled the sync.';
    case 'KEY_UNPLUGGED':
      return 'A key was unplugged while Latchkey was writing to it.';
    case 'KEY_PIN_REQUIRED':
      return 'A key is locked by its access password. Open it in Security keys first; it then stays open while the vault is unlocked.';
    case 'KEY_NOT_FOUND':
      return `A key of the plan is not plugged in. ${error.text}`;
    default:
      return error.text;
  }
}

/** The same error with the panel's sentence: for ErrorAlert (a cancel stays silent there). */
export function syncError(error: DataError | undefined): DataError | undefined {
  if (error === undefined || error.code === 'CANCELLED') return error;
  return { ...error, text: syncErrorText(error) };
}
