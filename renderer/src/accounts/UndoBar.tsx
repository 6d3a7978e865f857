import { useEffect, useState } from 'react';
import { describeError } from '../errors.js';
import { latchkey } from '../latchkey.js';

export interface PendingUndo {
  readonly id: string;
  readonly name: string;
  /** Unix seconds, from main: after this the removal can't be undone. */
  readonly until: number;
}

/** "Removed X. Undo" until main forgets the removed account. */
export function UndoBar({ pending, onDone }: { pending: PendingUndo; onDone: (message?: string) => void }) {
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => {
      onDone();
    }, Math.max(0, pending.until * 1000 - Date.now()));
    return () => {
      clearTimeout(timer);
    };
  }, [pending, onDone]);

  function undo() {
    setBusy(true);
    latchkey()
      .call('accounts.undoRemove', { id: pending.id })
      .then(() => {
        onDone(`Restored ${pending.name}.`);
      })
      .catch((error: unknown) => {
        onDone(describeError(error));
      });
  }

  return (
    <div className="undo-bar" role="status">
      <span>Removed {pending.name}.</span>
      <button type="button" onClick={undo} disabled={busy} autoFocus>
        Undo
      </button>
    </div>
  );
}
