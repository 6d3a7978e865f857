import { useEffect, useState, type SyntheticEvent } from 'react';
import type { AutoBackupStatus } from '../../../shared/backup-api.js';
import { describeError } from '../errors.js';
import { latchkey } from '../latchkey.js';

function when(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString();
}

/** Automatic encrypted backups to a folder (off by default), and a backup written now. */
export function BackupSettings() {
  const [status, setStatus] = useState<AutoBackupStatus | undefined>();
  const [folder, setFolder] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [keep, setKeep] = useState('10');
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    latchkey().call('backup.auto.status', {}).then(setStatus).catch((caught: unknown) => { setError(describeError(caught)); });
  }, []);

  async function run(work: () => Promise<AutoBackupStatus>, done: string) {
    setBusy(true);
    setError('');
    setMessage('');
    try {
      const next = await work();
      setStatus(next);
      // A failed backup is said by the status itself (lastError), never followed by "done".
      setMessage(next.lastError === null ? done : '');
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }

  function configure(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    if (password !== repeat) {
      setError('The two backup passwords differ.');
      return;
    }
    // The first backup is written (and verified) now, so a wrong folder shows up here, not in a day.
    void run(async () => {
      await latchkey().call('backup.auto.configure', { folder: folder.trim(), password, keep: Number(keep) });
      return latchkey().call('backup.auto.run', {});
    }, 'Automatic backups are on; the first one was written and verified.');
    setPassword('');
    setRepeat('');
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
          {status.lastError !== null && <p className="error">The last backup failed: {status.lastError}</p>}
          <div className="row">
            <button type="button" disabled={busy} onClick={() => void run(() => latchkey().call('backup.auto.run', {}), 'Backed up and verified.')}>
              Back up now
            </button>
            <button type="button" disabled={busy} onClick={() => void run(() => latchkey().call('backup.auto.disable', {}), 'Automatic backups are off.')}>
              Turn off
            </button>
          </div>
        </>
      ) : (
        <form className="stack wide" onSubmit={configure}>
          <p className="hint">Off. Backups are encrypted with their own password, so a copy on a USB stick or a cloud folder is safe.</p>
          <label>
            Folder
            <input type="text" value={folder} onChange={(e) => { setFolder(e.target.value); }} placeholder="/home/you/Backups/Latchkey" spellCheck={false} />
          </label>
          <div className="row">
            <label>
              Backup password
              <input type="password" autoComplete="new-password" value={password} onChange={(e) => { setPassword(e.target.value); }} />
            </label>
            <label>
              Repeat it
              <input type="password" autoComplete="new-password" value={repeat} onChange={(e) => { setRepeat(e.target.value); }} />
            </label>
          </div>
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
          <button type="submit" disabled={busy || folder.trim() === '' || password === ''}>
            {busy ? 'Writing the first backup…' : 'Turn on automatic backups'}
          </button>
        </form>
      )}
      {message !== '' && <p role="status" className="hint">{message}</p>}
      {error !== '' && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
