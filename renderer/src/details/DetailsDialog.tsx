import { useMemo, useState, type SyntheticEvent } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';
import type { PanelProps, PendingUndo } from '../app/panel-props.js';
import { accountDetails, accountListing, removeAccount, updateAccount } from '../data/accounts.js';
import { useMutation, useQuery } from '../data/hooks.js';
import { Dialog } from '../ui/Dialog.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { IssuerIcon } from '../icons/IssuerIcon.js';
import { displayName } from '../ui/format.js';
import { KeyInventory } from './KeyInventory.js';
import { RecoveryCodes } from './RecoveryCodes.js';
import { RevealSecret } from './RevealSecret.js';

function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((tag) => tag.trim()).filter((tag) => tag !== ''))];
}

/** The details panel: the account as the listing has it (closed when it is gone from the list). */
export function DetailsDialog({ params, close, closeWithUndo }: PanelProps<{ id: string }>) {
  const accounts = useQuery(accountListing, undefined).data?.accounts;
  const account = accounts?.find((a) => a.id === params.id);
  const knownTags = useMemo(() => [...new Set(accounts?.flatMap((a) => a.tags))].sort((a, b) => a.localeCompare(b)), [accounts]);
  if (account === undefined) return null;
  return <AccountDetails account={account} knownTags={knownTags} onClose={close} onRemoved={closeWithUndo} />;
}

/** One account: edit its names, tags and note; its recovery codes; reveal; delete (with undo). */
function AccountDetails({
  account,
  knownTags,
  onClose,
  onRemoved,
}: {
  account: AccountView;
  knownTags: readonly string[];
  onClose: () => void;
  onRemoved: (pending: PendingUndo) => void;
}) {
  const [issuer, setIssuer] = useState(account.issuer);
  const [label, setLabel] = useState(account.label);
  const [tags, setTags] = useState(account.tags.join(', '));
  const stored = useQuery(accountDetails, account.id);
  const [note, setNote] = useState<string | undefined>();
  // The note as main has it, until the user edits it.
  if (note === undefined && stored.data !== undefined) setNote(stored.data.note);
  const [status, setStatus] = useState('');
  const mutations = useMutation();
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  async function save(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const saved = await mutations.run(updateAccount, { id: account.id, patch: { issuer: issuer.trim(), label: label.trim(), tags: parseTags(tags), ...(note === undefined ? {} : { note }) } });
    if (saved.ok) setStatus('Saved.');
  }

  async function remove() {
    const removed = await mutations.run(removeAccount, account.id);
    if (removed.ok) onRemoved({ id: account.id, name: displayName(account), until: removed.value.undoUntil ?? Math.floor(Date.now() / 1000) });
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
        <ErrorAlert error={mutations.error ?? stored.error} />
      </form>
      <RecoveryCodes accountId={account.id} />
      <KeyInventory accountId={account.id} />
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
