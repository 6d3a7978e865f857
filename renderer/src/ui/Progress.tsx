/** A long step in progress (a KDF, an import, a scan): a spinner and what is happening, announced politely. */
export function Progress({ children }: { children: string }) {
  return (
    <p className="progress" role="status">
      <span className="spinner" aria-hidden="true" /> {children}
    </p>
  );
}

/**
 * A long operation main reports on: a bar (moving on its own while main can't say how far along it
 * is, as during a key derivation), what is happening, and Cancel.
 */
export function OperationProgress({ state, onCancel }: { state: { stage: string; fraction?: number }; onCancel: () => void }) {
  return (
    <div className="operation" role="status">
      <progress aria-label={state.stage} {...(state.fraction === undefined ? {} : { value: state.fraction, max: 1 })} />
      <span>{state.stage}</span>
      <button type="button" className="small" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
