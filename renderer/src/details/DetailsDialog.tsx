import { useEffect, useState, type SyntheticEvent } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';
import type { PendingUndo } from '../accounts/UndoBar.js';
import { describeError } from '../errors.js';
import { latchkey } from '../latchkey.js';
import { Dialog } from '../ui/Dialog.js';
import { IssuerIcon } from '../icons/IssuerIcon.js';
import { displayName } from '../ui/format.js';
import { RecoveryCodes } from './RecoveryCodes.js';
import { RevealSecret } from './RevealSecret.js';

function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((tag) => tag.trim()).filter((tag) => tag !== ''))];
}

/** One account: edit its names, tags and note; its recovery codes; reveal; delete (with undo). */
export function DetailsDialog({
  account,
  knownTags,
  onClose,
  onChanged,
  onRemoved,
}: {
  account: AccountView;
  knownTags: readonly string[];
  onClose: () => void;
  onChanged: () => void;
  onRemoved: (pending: PendingUndo) => void;
}) {
  const [issuer, setIssuer] = useState(account.issuer);
  const [label, setLabel] = useState(account.label);
  const [tags, setTags] = useState(account.tags.join(', '));
  const [note, setNote] = useState<string | undefined>();
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  useEffect(() => {
    latchkey()
      .call('accounts.details', { id: account.id })
      .then((details) => {
        setNote(details.note);
      })
      .catch((caught: unknown) => {
        setError(describeError(caught));
      });
  }, [account.id]);

  async function save(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    setError('');
    try {
      await latchkey().call('accounts.update', { id: account.id, patch: { issuer: issuer.trim(), label: label.trim(), tags: parseTags(tags), ...(note === undefined ? {} : { note }) } });
      setStatus('Saved.');
      onChanged();
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  async function remove() {
    try {
      const { undoUntil } = await latchkey().call('accounts.remove', { id: account.id });
      onRemoved({ id: account.id, name: displayName(account), until: undoUntil ?? Math.floor(Date.now() / 1000) });
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  const kind = account.type === 'hotp' ? 'Counter-based (HOTP)' : account.type === 'steam' ? 'Steam Guard' : 'Time-based (TOTP)';
  const details = account.type === 'hotp' ? `counter ${account.counter ?? '0'}` : `every ${String(account.period ?? 30)} s`;
  return (
    <Dialog title={displayName(account)} onClose={onClose} wide>
      <div className="details-summary">
        <IssuerIcon issuer={account.issuer} label={account.label} size="large" />
        <div className="names-static">
          {account.issuer !== '' && <span className="label">{account.label}</span>}
          <span className="hint">
            {kind} · {account.algorithm} · {String(account.digits)} digits · {details}
          </span>
        </div>
      </div>
      <form className="stack wide" onSubmit={(event) => void save(event)}>
        <label>
          Service
          <input type="text" value={issuer} onChange={(e) => { setIssuer(e.target.value); }} />
        </label>
        <label>
          Account
          <input type="text" value={label} onChange={(e) => { setLabel(e.target.value); }} />
        </label>
        <label>
          Tags (separated by commas)
          <input type="text" value={tags} list="known-tags" onChange={(e) => { setTags(e.target.value); }} placeholder="work, personal" />
          <datalist id="known-tags">
            {knownTags.map((tag) => (
              <option key={tag} value={tag} />
            ))}
          </datalist>
        </label>
        <label>
          Notes
          <textarea rows={3} value={note ?? ''} disabled={note === undefined} onChange={(e) => { setNote(e.target.value); }} />
        </label>
        <div className="row">
          <button type="submit" className="primary">
            Save
          </button>
          <span role="status" className="hint">
            {status}
          </span>
        </div>
        {error !== '' && <p role="alert" className="error">{error}</p>}
      </form>
      <RecoveryCodes accountId={account.id} />
      <RevealSecret accountId={account.id} name={displayName(account)} />
      <section className="danger-zone" aria-label="Delete">
        {confirmingDelete ? (
          <div className="stack wide">
            <p>
              Delete <strong>{displayName(account)}</strong>? Its secret leaves the vault; make sure you can still sign in to the service. You can undo this for a few seconds.
            </p>
            <div className="row">
              <button type="button" className="danger" autoFocus onClick={() => void remove()}>
                Delete account
              </button>
              <button type="button" onClick={() => { setConfirmingDelete(false); }}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button type="button" className="danger-outline" onClick={() => { setConfirmingDelete(true); }}>
            Delete…
          </button>
        )}
      </section>
    </Dialog>
  );
}
