import { useEffect } from 'react';
import { dispatch, type PendingUndo } from '../app/app-state.js';
import { undoRemove } from '../data/accounts.js';
import { useMutation } from '../data/hooks.js';

function done(notice?: string): void {
  dispatch(notice === undefined ? { type: 'undo-done' } : { type: 'undo-done', notice });
}

/** "Removed X. Undo" until main forgets the removed account. */
export function UndoBar({ pending }: { pending: PendingUndo }) {
  const { run, busy } = useMutation();
  useEffect(() => {
    const timer = setTimeout(() => {
      done();
    }, Math.max(0, pending.until * 1000 - Date.now()));
    return () => {
      clearTimeout(timer);
    };
  }, [pending]);

  function undo() {
    void run(undoRemove, pending.id).then((result) => {
      done(result.ok ? `Restored ${pending.name}.` : result.error.text);
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
