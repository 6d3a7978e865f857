import { useState, type SyntheticEvent } from 'react';
import type { ReplyOf } from '../../../shared/api.js';
import { checkBackup, lastBackupVerification } from '../data/backup.js';
import { refreshQuery, useMutation } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { OperationProgress } from '../ui/Progress.js';
import { BackupComparison } from './BackupComparison.js';
import { RestoreBackup } from './RestoreBackup.js';

type Checked = ReplyOf<'backup.check'>;

/**
 * Verify any backup: its password, then main's open dialog; the comparison with the vault is shown,
 * and a restore from it offered with its preview. The backup's password stays in this component only
 * while that backup is shown (the restore opens the file again).
 */
export function VerifyBackup() {
  const [password, setPassword] = useState('');
  const [checked, setChecked] = useState<Checked | undefined>();
  const [message, setMessage] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();

  async function submit(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    setChecked(undefined);
    setMessage('');
    const result = await operation.run('Opening the backup…', (opId) => mutations.run(checkBackup, { password, opId }));
    if (!result.ok) return;
    setChecked(result.value);
    refreshQuery(lastBackupVerification, undefined);
  }

  function done(text: string) {
    setChecked(undefined);
    setPassword('');
    setMessage(text);
  }

  return (
    <section className="section" aria-labelledby="verify-backup-title">
      <h3 id="verify-backup-title">Verify or restore a backup</h3>
      <form className="stack wide" onSubmit={(event) => void submit(event)} data-testid="verify-backup">
        <p className="hint">Opens a backup and compares it with the vault, account by account. Nothing changes until you restore.</p>
        <label>
          The backup’s password
          <input type="password" autoComplete="off" value={password} onChange={(e) => { setPassword(e.target.value); setChecked(undefined); }} />
        </label>
        <div className="row">
          <button type="submit" disabled={mutations.busy || password === ''}>
            Choose a backup…
          </button>
        </div>
      </form>
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      <ErrorAlert error={mutations.error} />
      {checked !== undefined && (
        <div className="stack wide">
          <p className="hint">
            <strong>{checked.file}</strong>, checked {new Date(checked.verification.verifiedAt * 1000).toLocaleString()}.
          </p>
          <BackupComparison verification={checked.verification} />
          <RestoreBackup backupId={checked.backupId} password={password} verification={checked.verification} onRestored={done} />
        </div>
      )}
      {message !== '' && <p role="status" className="hint">{message}</p>}
    </section>
  );
}
