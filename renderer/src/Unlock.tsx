import { useState, type SyntheticEvent } from 'react';
import { describeError } from './errors.js';
import { latchkey } from './latchkey.js';
import { Progress } from './ui/Progress.js';

export function Unlock({ onUnlocked }: { onUnlocked: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function unlock(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await latchkey().call('vault.unlock', { password });
      onUnlocked();
    } catch (caught) {
      setError(describeError(caught));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="screen centered">
      <div className="brand" aria-hidden="true">
        <span className="brand-mark">◆</span>
      </div>
      <h1>Latchkey</h1>
      <p className="hint">Locked. Enter your password to see your codes.</p>
      <form onSubmit={(event) => void unlock(event)} className="stack">
        <label>
          Password
          <input type="password" autoFocus autoComplete="current-password" value={password} onChange={(e) => { setPassword(e.target.value); }} />
        </label>
        {error !== '' && <p role="alert" className="error">{error}</p>}
        {busy && (
          <Progress>Deriving the key from your password (about a second)…</Progress>
        )}
        <button type="submit" className="primary" disabled={busy || password === ''}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
    </main>
  );
}
