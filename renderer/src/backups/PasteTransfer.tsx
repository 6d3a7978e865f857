import { useState, type SyntheticEvent } from 'react';
import type { ImportPreview } from '../../../shared/import-api.js';
import { commitImport, previewImport } from '../data/enroll.js';
import { useMutation } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { OperationProgress } from '../ui/Progress.js';

/** Text to base64 as the import channel takes files (UTF-8; a transfer block is ASCII anyway). */
function textToBase64(text: string): string {
  return btoa(Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join(''));
}

/**
 * The other way of the clipboard transfer: the user pastes a block (their own Ctrl+V: the page never
 * reads the clipboard by itself) and its password; the accounts are previewed, then added.
 */
export function PasteTransfer() {
  const [block, setBlock] = useState('');
  const [password, setPassword] = useState('');
  const [preview, setPreview] = useState<ImportPreview | undefined>();
  const [message, setMessage] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();

  async function read(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    setMessage('');
    setPreview(undefined);
    const request = { fileBase64: textToBase64(block.trim()), fileName: 'transfer block', format: 'latchkey-transfer', password };
    const result = await operation.run('Opening the transfer block…', (opId) => mutations.run(previewImport, { ...request, opId }));
    if (result.ok) setPreview(result.value);
  }

  async function add() {
    if (preview === undefined) return;
    const result = await mutations.run(commitImport, { previewId: preview.previewId, includeDuplicates: false });
    if (!result.ok) return;
    setPreview(undefined);
    setBlock('');
    setPassword('');
    const { added, skipped } = result.value;
    setMessage(`Added ${String(added.length)} account${added.length === 1 ? '' : 's'}${skipped > 0 ? `; ${String(skipped)} already in the vault skipped` : ''}.`);
  }

  const fresh = preview?.accounts.filter((account) => !account.duplicate) ?? [];
  return (
    <form className="stack wide" onSubmit={(event) => void read(event)} data-testid="transfer-paste">
      <label>
        Transfer block (paste it here)
        <textarea rows={3} className="mono" spellCheck={false} value={block} onChange={(e) => { setBlock(e.target.value); setPreview(undefined); }} />
      </label>
      <label>
        Its password
        <input type="password" autoComplete="off" value={password} onChange={(e) => { setPassword(e.target.value); }} />
      </label>
      <div className="row">
        <button type="submit" disabled={mutations.busy || block.trim() === '' || password === ''}>
          Open the block
        </button>
      </div>
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      {preview !== undefined && (
        <div className="stack wide" data-testid="transfer-preview">
          <p className="hint">
            {String(preview.accounts.length)} account{preview.accounts.length === 1 ? '' : 's'} in the block; {String(fresh.length)} not in the vault yet.
          </p>
          <ul className="preview">
            {preview.accounts.map((account) => (
              <li key={account.id}>
                {account.issuer === '' ? account.label : `${account.issuer} (${account.label})`}
                {account.duplicate ? ' — already in the vault' : ''}
              </li>
            ))}
          </ul>
          <div className="row">
            <button type="button" className="primary" disabled={mutations.busy || fresh.length === 0} onClick={() => void add()}>
              Add {String(fresh.length)} account{fresh.length === 1 ? '' : 's'}
            </button>
          </div>
        </div>
      )}
      {message !== '' && <p role="status" className="hint">{message}</p>}
      <ErrorAlert error={mutations.error} />
    </form>
  );
}
