import { useState } from 'react';
import type { BackupVerification } from '../../../shared/backup-api.js';
import { restoreCheckedBackup } from '../data/backup.js';
import { useMutation } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { OperationOutcome } from '../ui/OperationOutcome.js';

type Mode = 'merge' | 'replace';

/** What a restore will do, from the comparison just shown: the preview before anything changes. */
export function restorePreview(mode: Mode, verification: BackupVerification): string[] {
  const plural = (n: number, what: string) => `${String(n)} ${what}${n === 1 ? '' : 's'}`;
  if (mode === 'merge') {
    return [
      verification.onlyInBackup.length === 0 ? 'Nothing to add: every account of the backup is in the vault.' : `Adds ${plural(verification.onlyInBackup.length, 'account')}: ${verification.onlyInBackup.join(', ')}.`,
      verification.differing.length === 0 ? 'Keeps every account of the vault as it is.' : `Keeps every account of the vault as it is; ${plural(verification.differing.length, 'account')} whose codes differ keep the vault’s settings.`,
    ];
  }
  return [
    `Empties the vault, then puts back the backup’s ${plural(verification.backupAccounts, 'account')}. No undo.`,
    verification.onlyInVault.length === 0 ? 'No account of the vault is lost.' : `Loses ${plural(verification.onlyInVault.length, 'account')} found only in the vault: ${verification.onlyInVault.join(', ')}.`,
    ...(verification.differing.length === 0 ? [] : [`Takes the backup’s settings for ${plural(verification.differing.length, 'account')} whose codes differ: ${verification.differing.join(', ')}.`]),
  ];
}

/** Restore from the backup just checked: merge (adds what is missing) or replace (needs the vault password again). */
export function RestoreBackup({ backupId, password, verification, onRestored }: { backupId: string; password: string; verification: BackupVerification; onRestored: (text: string) => void }) {
  const [mode, setMode] = useState<Mode>('merge');
  const [vaultPassword, setVaultPassword] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();

  async function restore() {
    const typed = vaultPassword;
    setVaultPassword('');
    const request = mode === 'merge' ? { backupId, password, mode } : { backupId, password, mode, vaultPassword: typed };
    const result = await operation.run('Opening the backup…', (opId) => mutations.run(restoreCheckedBackup, { ...request, opId }));
    if (!result.ok) return;
    const { added, skipped, removed } = result.value;
    onRestored(`Restored: ${String(added)} added, ${String(skipped)} already there${mode === 'replace' ? `, ${String(removed)} removed first` : ''}.`);
  }

  return (
    <div className="stack wide" data-testid="restore">
      <h4>Restore from this backup</h4>
      <fieldset className="choices">
        <legend>How</legend>
        <label className="check">
          <input type="radio" name="restore-mode" checked={mode === 'merge'} onChange={() => { setMode('merge'); }} /> Merge: add what the vault is missing
        </label>
        <label className="check">
          <input type="radio" name="restore-mode" checked={mode === 'replace'} onChange={() => { setMode('replace'); }} /> Replace: make the vault what the backup holds
        </label>
      </fieldset>
      <ul className="preview" data-testid="restore-preview">
        {restorePreview(mode, verification).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {mode === 'replace' && (
        <label>
          Vault password
          <input type="password" autoComplete="current-password" value={vaultPassword} onChange={(e) => { setVaultPassword(e.target.value); }} />
        </label>
      )}
      <div className="row">
        <button type="button" className={mode === 'replace' ? 'danger' : 'primary'} disabled={mutations.busy || (mode === 'replace' && vaultPassword === '')} onClick={() => void restore()}>
          {mode === 'merge' ? 'Merge into the vault' : 'Replace the vault'}
        </button>
      </div>
      <OperationOutcome operation={operation} error={mutations.error} />
    </div>
  );
}
