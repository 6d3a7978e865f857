import { useState, type SyntheticEvent } from 'react';
import { refreshQuery, useMutation } from '../data/hooks.js';
import { lastBackupVerification, saveBackup } from '../data/backup.js';
import { useLongOperation } from '../data/operation.js';
import { NewPasswordFields, useNewPassword } from '../ui/NewPasswordFields.js';
import { OperationOutcome } from '../ui/OperationOutcome.js';

/** A backup now: its own password (with a strength hint), the vault password again, then main's save dialog. */
export function CreateBackup() {
  const password = useNewPassword();
  const [vaultPassword, setVaultPassword] = useState('');
  const [message, setMessage] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();

  async function submit(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    setMessage('');
    if (password.differs) {
      mutations.fail('The two backup passwords differ.');
      return;
    }
    const typedVault = vaultPassword;
    setVaultPassword('');
    const result = await operation.run('Checking the vault password…', (opId) => mutations.run(saveBackup, { password: password.value, vaultPassword: typedVault, opId }));
    if (!result.ok) {
      // A cancel (the save dialog's or the bar's) is no error, but the user is told nothing was written.
      if (result.error.code === 'CANCELLED') setMessage('Cancelled: no backup was written.');
      return;
    }
    password.clear();
    setMessage(`Saved ${String(result.value.accounts)} account${result.value.accounts === 1 ? '' : 's'} in ${result.value.file}. Verify it below to count it as your last good backup.`);
    refreshQuery(lastBackupVerification, undefined);
  }

  return (
    <section className="section" aria-labelledby="create-backup-title">
      <h3 id="create-backup-title">Make a backup</h3>
      <form className="stack wide" onSubmit={(event) => void submit(event)} data-testid="create-backup">
        <p className="hint">The backup is encrypted with its own password: keep that password somewhere other than the backup.</p>
        <NewPasswordFields label="Backup password" password={password} />
        <label>
          Vault password
          <input type="password" autoComplete="current-password" value={vaultPassword} onChange={(e) => { setVaultPassword(e.target.value); }} />
        </label>
        <div className="row">
          <button type="submit" className="primary" disabled={mutations.busy || !password.ready || vaultPassword === ''}>
            Choose where to save…
          </button>
        </div>
      </form>
      <OperationOutcome operation={operation} message={message} error={mutations.error} />
    </section>
  );
}
