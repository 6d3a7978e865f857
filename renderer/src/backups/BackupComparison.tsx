import type { BackupVerification } from '../../../shared/backup-api.js';

function NameList({ title, names, testId }: { title: string; names: readonly string[]; testId: string }) {
  return (
    <div className="comparison-group" data-testid={testId} data-count={names.length}>
      <h4>
        {title} <span className="chip">{String(names.length)}</span>
      </h4>
      {names.length > 0 && (
        <ul>
          {names.map((name, i) => (
            <li key={`${name}-${String(i)}`}>{name}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A backup beside the live vault: the same accounts, those on one side only, and those whose codes differ. */
export function BackupComparison({ verification }: { verification: BackupVerification }) {
  const same = verification.onlyInBackup.length === 0 && verification.onlyInVault.length === 0 && verification.differing.length === 0;
  return (
    <div className="stack wide" data-testid="backup-comparison" data-same={same}>
      <p className={same ? 'hint' : 'warning'} role="status">
        {same
          ? `The backup holds the same ${String(verification.matching)} account${verification.matching === 1 ? '' : 's'} as the vault, with the same codes.`
          : `The backup and the vault differ: ${String(verification.backupAccounts)} account${verification.backupAccounts === 1 ? '' : 's'} in the backup, ${String(verification.vaultAccounts)} in the vault.`}
      </p>
      <div className="comparison">
        <div className="comparison-group" data-testid="same" data-count={verification.matching}>
          <h4>
            Same in both <span className="chip">{String(verification.matching)}</span>
          </h4>
        </div>
        <NameList title="Only in the backup" names={verification.onlyInBackup} testId="only-in-backup" />
        <NameList title="Only in the vault" names={verification.onlyInVault} testId="only-in-vault" />
        <NameList title="Codes differ" names={verification.differing} testId="codes-differ" />
      </div>
    </div>
  );
}
