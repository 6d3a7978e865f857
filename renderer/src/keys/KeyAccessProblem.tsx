import type { DataError } from '../data/hooks.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';

const HEADLINES: Partial<Record<NonNullable<DataError['code']>, string>> = {
  KEY_PERMISSION_DENIED: 'This computer does not let Latchkey open your key',
  KEY_SERVICE_UNAVAILABLE: 'The system service for keys is not available',
};

/**
 * Why keys could not be listed. For a refused permission or a missing service, main's words carry
 * this platform's fix (a udev rule to save, a service to start): shown whole, line breaks kept, so
 * the rule can be copied as it is.
 */
export function KeyAccessProblem({ error, onRetry }: { error: DataError; onRetry: () => void }) {
  const headline = error.code === undefined ? undefined : HEADLINES[error.code];
  return (
    <div className="stack wide">
      {headline === undefined ? (
        <ErrorAlert error={error} />
      ) : (
        <div role="alert" className="key-problem" data-code={error.code}>
          <strong>{headline}</strong>
          <pre className="key-fix">{error.message}</pre>
        </div>
      )}
      <div className="row">
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      </div>
    </div>
  );
}
