/**
 * The end of a key form that wrote something: what happened, said as a status, and Done to close.
 * The key's card reads the key again on its own, so there is nothing to refresh here.
 */
export function KeyFormDone({ message, testId, onClose }: { message: string; testId: string; onClose: () => void }) {
  return (
    <div className="key-form stack wide">
      <p role="status" data-testid={testId}>
        {message}
      </p>
      <div className="row">
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}
