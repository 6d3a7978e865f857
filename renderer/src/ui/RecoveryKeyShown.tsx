import { useSaveRecoveryKey } from './save-recovery-key.js';

/** A recovery key shown this once, with "Save as a file…" (main asks where) and the way to put it away. */
export function RecoveryKeyShown({ recoveryKey, onDone }: { recoveryKey: string; onDone: () => void }) {
  const saved = useSaveRecoveryKey();
  return (
    <div className="stack wide">
      <p className="hint">Your new recovery key, shown this once: write it down and keep it away from this computer. The old one no longer works.</p>
      <output className="recovery-key" data-testid="new-recovery-key">
        {recoveryKey.split('-').map((group, i, all) => (
          <span key={i}>{i < all.length - 1 ? `${group}-` : group}</span>
        ))}
      </output>
      {saved.kept !== '' && <p className="hint" role="status">{saved.kept}</p>}
      {saved.error !== '' && <p role="alert" className="error">{saved.error}</p>}
      <div className="row">
        <button type="button" onClick={() => void saved.save(recoveryKey)}>
          Save as a file…
        </button>
        <button type="button" className="primary" onClick={onDone}>
          I have written it down
        </button>
      </div>
    </div>
  );
}
