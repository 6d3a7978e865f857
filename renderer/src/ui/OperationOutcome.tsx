import type { DataError } from '../data/hooks.js';
import type { LongOperation } from '../data/operation.js';
import { ErrorAlert } from './ErrorAlert.js';
import { OperationProgress } from './Progress.js';

/**
 * Under a form that starts a long operation: its bar and Cancel while it runs, then what came of it,
 * the message as a status (read out politely) or the error as an alert. The one way every such form
 * ends, so a user meets the same places for the same things.
 */
export function OperationOutcome({ operation, message = '', error }: { operation: LongOperation; message?: string; error: DataError | undefined }) {
  return (
    <>
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      {message !== '' && <p role="status" className="hint">{message}</p>}
      <ErrorAlert error={error} />
    </>
  );
}
