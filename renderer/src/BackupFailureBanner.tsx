import type { AutoBackupStatus } from '../../shared/backup-api.js';
import { autoBackupStatus } from './data/backup.js';
import { useQuery } from './data/hooks.js';
import './manifest-banner.css';

function when(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString();
}

/**
 * Shown on the main screen while automatic backups are on and the last one failed (a folder gone, a
 * full disk, no permission, damaged accounts left out): when, and why in main's words. Gone once a
 * backup succeeds, the folder changes or they are turned off.
 */
export function BackupFailureBanner({ status }: { status: AutoBackupStatus | undefined }) {
  const failure = status?.lastFailure ?? null;
  if (status?.enabled !== true || failure === null) return null;
  return (
    <section className="manifest-banner backup-failure-banner" role="alert" aria-labelledby="backup-failure-title">
      <h2 id="backup-failure-title">The last automatic backup failed</h2>
      <p>
        {when(failure.at)}: {failure.reason}.
      </p>
      <p>
        Your accounts are still in the vault, but no new backup is being kept. Check the backup folder (a drive that is
        not plugged in, a full disk, permissions), then choose <strong>Back up now</strong> in Settings, or turn automatic
        backups off and on again with another folder.
      </p>
    </section>
  );
}

/** The banner, following the automatic-backup status on its own: what the main screen shows above the accounts. */
export function BackupFailureNotice() {
  return <BackupFailureBanner status={useQuery(autoBackupStatus, undefined).data} />;
}
