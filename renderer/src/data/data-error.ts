import type { ErrorCode } from '../../../shared/errors.js';
import { describeError, errorCode, errorField } from '../errors.js';

/** Why a query or a mutation failed, said once for every screen: the code, a sentence, the field. */
export interface DataError {
  readonly code: ErrorCode | undefined;
  /** What the person at the keyboard is told; empty when there is nothing to say (they cancelled). */
  readonly text: string;
  /** The form field an ACCOUNT_INVALID error is about. */
  readonly field: string | undefined;
  /** Main's own words (the message of the error as it came back). */
  readonly message: string;
}

export function toDataError(caught: unknown): DataError {
  const code = errorCode(caught);
  return {
    code,
    // The user cancelled one of main's dialogs or a long operation: nothing to report.
    text: code === 'CANCELLED' ? '' : describeError(caught),
    field: errorField(caught),
    message: caught instanceof Error ? caught.message : '',
  };
}

/** An error of the page's own making (two passwords that differ), said through the same path. */
export function localError(text: string, field?: string): DataError {
  return { code: undefined, text, field, message: text };
}
