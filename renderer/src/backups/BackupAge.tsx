import type { ReplyOf } from '../../../shared/api.js';
import { openPanel } from '../app/app-state.js';
import { lastBackupVerification } from '../data/backup.js';
import { useQuery } from '../data/hooks.js';
import './backups.css';

/** Older than this, the last verified backup is called stale. */
export const STALE_AFTER_DAYS = 30;

type Last = ReplyOf<'backup.lastVerification'>;

export interface BackupAgeView {
  readonly text: string;
  readonly stale: boolean;
}

function ageWords(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  if (days >= 1) return `${String(days)} day${days === 1 ? '' : 's'} ago`;
  const hours = Math.floor(seconds / 3600);
  if (hours >= 1) return `${String(hours)} hour${hours === 1 ? '' : 's'} ago`;
  return 'less than an hour ago';
}

/** What the main screen says of the last verified backup: its age, and why it is stale (never, old, or behind the vault). */
export function describeBackupAge(last: Last): BackupAgeView {
  const { verification } = last;
  if (verification === null) return { text: 'No verified backup yet. Make one and verify it: it is the way back if this computer is lost.', stale: true };
  const age = Math.max(0, last.now - verification.verifiedAt);
  const base = `Last verified backup: ${ageWords(age)} (${verification.file.split(/[\\/]/).pop() ?? ''}).`;
  if (age > STALE_AFTER_DAYS * 86_400) return { text: `${base} It is more than ${String(STALE_AFTER_DAYS)} days old: make a new one.`, stale: true };
  if (last.accountsChangedSince) return { text: `${base} Accounts changed since: it does not hold them all.`, stale: true };
  return { text: base, stale: false };
}

/** The main screen's line about backups, with a warning look when stale, and the way to the backups panel. */
export function BackupAge() {
  const { data } = useQuery(lastBackupVerification, undefined);
  if (data === undefined) return null;
  const view = describeBackupAge(data);
  return (
    <p className={`backup-age${view.stale ? ' stale' : ''}`} data-testid="backup-age" data-stale={view.stale}>
      <span>{view.text}</span>
      <button type="button" className="small" onClick={() => { openPanel('backups', {}); }}>
        Backups…
      </button>
    </p>
  );
}
