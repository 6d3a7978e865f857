import { useState, type SyntheticEvent } from 'react';
import type { AutoBackupStatus } from '../../../shared/backup-api.js';
import { autoBackupStatus, disableAutoBackup, enableAutoBackup, runAutoBackup } from '../data/backup.js';
import { refreshQuery, setQueryData, useMutation, useQuery, type Result } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { NewPasswordFields, useNewPassword } from '../ui/NewPasswordFields.js';
import { OperationOutcome } from '../ui/OperationOutcome.js';

function when(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString();
}

/** Automatic encrypted backups to a folder (off by default), and a backup written now. */
export function BackupSettings() {
  const { data: status, error: statusError } = useQuery(autoBackupStatus, undefined);
  const mutations = useMutation();
  const { busy } = mutations;
  // Turning them on checks the vault password again (a bar; a touch on a password+YubiKey vault), Cancel until the folder is chosen.
  const operation = useLongOperation();
  const password = useNewPassword();
  const [vaultPassword, setVaultPassword] = useState('');
  const [keep, setKeep] = useState('10');
  const [message, setMessage] = useState('');

  async function run(work: Promise<Result<AutoBackupStatus>>, done: string, cancelled = '') {
    setMessage('');
    const result = await work;
    if (result.ok) {
      setQueryData(autoBackupStatus, undefined, result.value);
      // A failed backup is said by the status itself (lastError), never followed by "done".
      setMessage(result.value.lastError === null ? done : '');
    } else {
      // A backup that failed is recorded too (lastFailure): show the status as it now is.
      refreshQuery(autoBackupStatus, undefined);
      // A cancel is no error (no alert), but the user is told what became of the request.
      if (result.error.code === 'CANCELLED') setMessage(cancelled);
    }
  }

  function configure(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    if (password.differs) {
      mutations.fail('The two backup passwords differ.');
      return;
    }
    // Main asks for the folder in its own dialog, then writes (and verifies) the first backup at
    // once, so a folder that can't be written shows up here, not in a day.
    const enabling = operation.run('Checking the vault password…', (opId) => mutations.run(enableAutoBackup, { password: password.value, vaultPassword, keep: Number(keep), opId }));
    void run(enabling, 'Automatic backups are on; the first one was written and verified.', 'Cancelled: no backup was kept, and automatic backups stay off.');
    password.clear();
    setVaultPassword('');
  }

  return (
    <section className="section" aria-label="Automatic backups">
      <h3>Automatic backups</h3>
      {status?.enabled === true ? (
        <>
          <p className="hint">
            Encrypted backups go to <code>{status.folder}</code>, the newest {String(status.keep ?? 10)} kept: a minute after each change and once a day, each verified after writing.
            {status.last !== null && ` Last: ${when(status.last.at)}${status.last.verified ? ', verified' : ', NOT verified'}.`}
          </p>
          {status.lastFailure !== null && (
            <p className="error">
              The last backup failed ({when(status.lastFailure.at)}): {status.lastFailure.reason}
            </p>
          )}
          <div className="row">
            <button type="button" disabled={busy} onClick={() => void run(mutations.run(runAutoBackup, undefined), 'Backed up and verified.')}>
              Back up now
            </button>
            <button type="button" disabled={busy} onClick={() => void run(mutations.run(disableAutoBackup, undefined), 'Automatic backups are off.')}>
              Turn off
            </button>
          </div>
        </>
      ) : (
        <form className="stack wide" onSubmit={configure}>
          <p className="hint">Off. Backups are encrypted with their own password, so a copy on a USB stick or a cloud folder is safe. Turning them on asks for the vault password again, then for the folder.</p>
          <NewPasswordFields label="Backup password" password={password} />
          <label>
            Keep the newest
            <select value={keep} onChange={(e) => { setKeep(e.target.value); }}>
              {['3', '5', '10', '20', '50'].map((n) => (
                <option key={n} value={n}>
                  {n} backups
                </option>
              ))}
            </select>
          </label>
          <label>
            Vault password
            <input type="password" autoComplete="current-password" value={vaultPassword} onChange={(e) => { setVaultPassword(e.target.value); }} />
          </label>
          <button type="submit" disabled={busy || !password.ready || vaultPassword === ''}>
            {busy ? 'Writing the first backup…' : 'Choose a folder and turn on…'}
          </button>
        </form>
      )}
      <OperationOutcome operation={operation} message={message} error={mutations.error ?? statusError} />
    </section>
  );
}
