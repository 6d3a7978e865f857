import { useState, type SyntheticEvent } from 'react';
import { dispatch } from './app/app-state.js';
import { refreshQuery, runMutation, useMutation } from './data/hooks.js';
import { createVault, unlockVault, vaultStatus } from './data/vault.js';
import { ErrorAlert } from './ui/ErrorAlert.js';
import { useSaveRecoveryKey } from './ui/save-recovery-key.js';
import { NewPasswordFields, useNewPassword } from './ui/NewPasswordFields.js';
import { Progress } from './ui/Progress.js';

/** Create the vault, then show the recovery key once. */
export function FirstRun() {
  const password = useNewPassword();
  const mutations = useMutation();
  const { busy, error } = mutations;
  const [recoveryKey, setRecoveryKey] = useState<string | undefined>();
  const [vaultPath, setVaultPath] = useState('');
  const savedKey = useSaveRecoveryKey();

  async function create(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    if (password.differs) {
      mutations.fail('The two passwords differ.');
      return;
    }
    // Not unlocked yet: an idle lock (and the page reload it brings) must not take the key off screen;
    // nor may a status read meanwhile (on focus, after "Save as a file…") say "locked" and show the lock screen.
    dispatch({ type: 'vault-created' });
    const created = await mutations.run(createVault, { password: password.value });
    if (created.ok) {
      setVaultPath(created.value.path);
      setRecoveryKey(created.value.recoveryKey);
    } else dispatch({ type: 'first-run-done' });
  }

  async function acknowledge() {
    // Should the unlock fail (it can't with the password just set), the unlock screen asks again.
    await runMutation(unlockVault, { password: password.value });
    password.clear();
    dispatch({ type: 'first-run-done' });
    refreshQuery(vaultStatus, undefined);
  }

  if (recoveryKey !== undefined) {
    return (
      <main className="screen centered">
        <h1>Your recovery key</h1>
        <p className="hint">The only way in if you forget the password. It is shown this once: write it down and keep it away from this computer.</p>
        <output className="recovery-key" data-testid="recovery-key">
          {/* Four groups a line; the text is still the key exactly as typed back later. */}
          {recoveryKey.split('-').map((group, i, all) => (
            <span key={i}>{i < all.length - 1 ? `${group}-` : group}</span>
          ))}
        </output>
        <div className="row center">
          <button type="button" onClick={() => void savedKey.save(recoveryKey)}>
            Save as a file…
          </button>
          <button type="button" onClick={() => { window.print(); }}>
            Print
          </button>
        </div>
        {savedKey.kept !== '' && <p className="hint" role="status">{savedKey.kept}</p>}
        {savedKey.error !== '' && <p role="alert" className="error">{savedKey.error}</p>}
        <ErrorAlert error={error} />
        <p className="hint small">Vault file: {vaultPath}</p>
        <button type="button" className="primary" onClick={() => void acknowledge()} autoFocus>
          I have written it down
        </button>
      </main>
    );
  }
  return (
    <main className="screen centered">
      <div className="brand" aria-hidden="true">
        <span className="brand-mark">◆</span>
      </div>
      <h1>Welcome to Latchkey</h1>
      <p className="hint">Your two-factor codes, in an encrypted vault on this computer. Choose a password of at least 8 characters that is hard to guess: a few unrelated words make a good one.</p>
      <form onSubmit={(event) => void create(event)} className="stack">
        <NewPasswordFields label="Password" password={password} stacked autoFocus />
        <ErrorAlert error={error} />
        {busy && (
          <Progress>Measuring this computer and deriving the key (a few seconds)…</Progress>
        )}
        <button type="submit" className="primary" disabled={busy || !password.ready}>
          {busy ? 'Creating the vault…' : 'Create vault'}
        </button>
      </form>
    </main>
  );
}
