import { useState, type SyntheticEvent } from 'react';
import type { ImportPreview } from '../../../shared/import-api.js';
import { commitImport, importFormats, previewImport } from '../data/enroll.js';
import { useMutation, useQuery } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { displayName } from '../ui/format.js';
import { fileToBase64 } from '../ui/files.js';
import { OperationProgress, Progress } from '../ui/Progress.js';

/** Another app's export: read (with its password if it has one), previewed, then added in one go. */
export function ImportPanel({ onAdded }: { onAdded: (message: string) => void }) {
  // When the formats can't be read, the hint names them itself.
  const formats = useQuery(importFormats, undefined).data?.formats.map((f) => f.name) ?? [];
  const [file, setFile] = useState<File | undefined>();
  const [password, setPassword] = useState('');
  const [needsPassword, setNeedsPassword] = useState(false);
  const [preview, setPreview] = useState<ImportPreview | undefined>();
  const [includeDuplicates, setIncludeDuplicates] = useState(false);
  const [busy, setBusy] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();

  async function read(event?: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event?.preventDefault();
    if (file === undefined) return;
    mutations.clearError();
    setPreview(undefined);
    // The export's own key derivation (scrypt, Argon2id, PBKDF2) can take seconds: main reports the
    // stages, and Cancel stops it with nothing written.
    setBusy('reading');
    try {
      const fileBase64 = await fileToBase64(file);
      const request = { fileBase64, fileName: file.name, ...(password === '' ? {} : { password }) };
      const result = await operation.run('Reading the export…', (opId) => mutations.run(previewImport, { ...request, opId }));
      if (result.ok) {
        setPreview(result.value);
        setNeedsPassword(false);
        setPassword('');
      } else if (result.error.code === 'IMPORT_WRONG_PASSWORD' && password === '') {
        setNeedsPassword(true);
        mutations.fail('This export is encrypted. Enter the password you gave it in the other app.');
      } else if (result.error.code === 'CANCELLED') mutations.fail('Stopped: nothing was imported.');
    } catch {
      mutations.fail('That file could not be read.');
    } finally {
      setBusy('');
    }
  }

  async function commit() {
    if (preview === undefined) return;
    setBusy('Adding the accounts…');
    const result = await mutations.run(commitImport, { previewId: preview.previewId, includeDuplicates });
    if (result.ok) {
      const { added, skipped } = result.value;
      onAdded(`Imported ${String(added.length)} ${added.length === 1 ? 'account' : 'accounts'} from ${preview.formatName}${skipped > 0 ? `; ${String(skipped)} already in the vault skipped` : ''}.`);
    } else setBusy('');
  }

  const duplicates = preview?.accounts.filter((a) => a.duplicate).length ?? 0;
  return (
    <form className="stack wide" onSubmit={(event) => void read(event)}>
      <p className="hint">Reads exports of {formats.length === 0 ? 'Aegis, 2FAS, andOTP, Bitwarden, FreeOTP+, Ente and Google Authenticator' : formats.join(', ')}. Nothing is added until you confirm.</p>
      <label>
        Export file
        <input
          type="file"
          onChange={(event) => {
            setFile(event.target.files?.[0]);
            setPreview(undefined);
            setNeedsPassword(false);
            setPassword('');
            mutations.clearError();
          }}
        />
      </label>
      {needsPassword && (
        <label>
          Export password
          <input type="password" autoFocus value={password} onChange={(e) => { setPassword(e.target.value); }} />
        </label>
      )}
      {preview === undefined && (
        <button type="submit" disabled={file === undefined || busy !== '' || (needsPassword && password === '')}>
          Read the export
        </button>
      )}
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      {busy !== '' && busy !== 'reading' && (
        <Progress>{busy}</Progress>
      )}
      <ErrorAlert error={mutations.error} />
      {preview !== undefined && (
        <section aria-label="Import preview" className="stack wide">
          <p>
            {preview.formatName}: {String(preview.accounts.length)} {preview.accounts.length === 1 ? 'account' : 'accounts'}
            {duplicates > 0 && `, ${String(duplicates)} already in the vault`}
            {preview.invalid.length > 0 && `, ${String(preview.invalid.length)} unreadable`}.
          </p>
          {preview.warnings.map((warning) => (
            <p key={warning} className="hint">
              {warning}
            </p>
          ))}
          <ul className="candidate-list">
            {preview.accounts.slice(0, 200).map((account) => (
              <li key={account.id}>
                <strong>{displayName(account)}</strong> {account.issuer !== '' && account.label}
                {account.duplicate && <span className="hint"> · already in the vault</span>}
              </li>
            ))}
          </ul>
          {duplicates > 0 && (
            <label className="check">
              <input type="checkbox" checked={includeDuplicates} onChange={(e) => { setIncludeDuplicates(e.target.checked); }} /> Add the ones already in the vault as well
            </label>
          )}
          <button type="button" className="primary" disabled={busy !== ''} onClick={() => void commit()}>
            Import {String(preview.accounts.length - (includeDuplicates ? 0 : duplicates))} accounts
          </button>
        </section>
      )}
    </form>
  );
}
