import { useState, type SyntheticEvent } from 'react';
import { localError } from './data/data-error.js';
import { refreshQuery, useMutation } from './data/hooks.js';
import { useLongOperation } from './data/operation.js';
import { unlockVault, vaultStatus } from './data/vault.js';
import { KeyringUnlock } from './KeyringUnlock.js';
import { ErrorAlert } from './ui/ErrorAlert.js';
import { OperationProgress, Progress } from './ui/Progress.js';

/** The lock screen: the password, or (on request) the recovery key shown once at first run. */
export function Unlock() {
  const [password, setPassword] = useState('');
  const [recoveryKey, setRecoveryKey] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const mutations = useMutation();
  const operation = useLongOperation();

  async function unlock(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const result = useRecovery
      ? await mutations.run(unlockVault, { recoveryKey })
      : // The password's key derivation takes about a second: a bar, and Cancel.
        await operation.run('Deriving the key from your password (about a second)…', (opId) => mutations.run(unlockVault, { password, opId }));
    // Main's vault.unlocked event moves the app on; the status is read again here too, in case it is late.
    if (result.ok) refreshQuery(vaultStatus, undefined);
    else if (result.error.code !== 'CANCELLED') setPassword('');
  }

  function switchTo(recovery: boolean) {
    setUseRecovery(recovery);
    mutations.clearError();
    setPassword('');
    setRecoveryKey('');
  }

  // The service's own words tell a typo (the key's check characters) from a key of another vault.
  const error = useRecovery && mutations.error?.code === 'VAULT_WRONG_PASSWORD' ? localError(asSentence(mutations.error.message)) : mutations.error;
  const { busy } = mutations;
  const value = useRecovery ? recoveryKey : password;
  return (
    <main className="screen centered">
      <div className="brand" aria-hidden="true">
        <span className="brand-mark">◆</span>
      </div>
      <h1>Latchkey</h1>
      <p className="hint">
        {useRecovery
          ? 'Type the recovery key you were shown when the vault was made (the groups of four; dashes and case do not matter). You will be asked to choose a new password next.'
          : 'Locked. Enter your password to see your codes.'}
      </p>
      <form onSubmit={(event) => void unlock(event)} className="stack">
        {useRecovery ? (
          <label>
            Recovery key
            <input
              type="text"
              className="mono"
              autoFocus
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              value={recoveryKey}
              onChange={(e) => { setRecoveryKey(e.target.value); }}
            />
          </label>
        ) : (
          <label>
            Password
            <input type="password" autoFocus autoComplete="current-password" value={password} onChange={(e) => { setPassword(e.target.value); }} />
          </label>
        )}
        <ErrorAlert error={error} />
        {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
        {busy && useRecovery && <Progress>Opening the vault with the recovery key…</Progress>}
        <button type="submit" className="primary" disabled={busy || value.trim() === ''}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
        <button type="button" className="link-button" disabled={busy} onClick={() => { switchTo(!useRecovery); }}>
          {useRecovery ? 'Use the password instead' : 'Forgot the password? Use the recovery key'}
        </button>
      </form>
      {!useRecovery && <KeyringUnlock />}
    </main>
  );
}

function asSentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
