import { useState, type SyntheticEvent } from 'react';
import { accountListing } from '../data/accounts.js';
import { refreshQuery, useMutation, useQuery } from '../data/hooks.js';
import { keyCredentials } from '../data/keys.js';
import { putOnKey } from '../data/keys-manage.js';
import { useLongOperation } from '../data/operation.js';
import { OperationProgress } from '../ui/Progress.js';
import { KeyWriteError } from './KeyWriteError.js';
import { KeyFormDone } from './KeyFormDone.js';

/** Past this many accounts, a filter field helps find the ones to add. */
const FILTER_FROM = 6;

/**
 * Vault accounts copied onto the key's OATH application. Their secrets leave the vault, so the vault
 * password is asked again (and emptied after each try). A name the key holds already is replaced only
 * after the user ticks it: main's KEY_CREDENTIAL_EXISTS names the clashes, the tick then asks the
 * password again. Each TOTP written is checked by main (the key's code equals the vault's).
 */
export function AddToKey({ serial, onClose }: { serial: number; onClose: () => void }) {
  const accounts = useQuery(accountListing, undefined);
  const onKey = useQuery(keyCredentials, { serial });
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [filter, setFilter] = useState('');
  const [touch, setTouch] = useState(false);
  const [vaultPassword, setVaultPassword] = useState('');
  // Main's words naming the names the key holds already (KEY_CREDENTIAL_EXISTS), until the choice changes.
  const [clashes, setClashes] = useState<string | undefined>();
  const [replaceAccepted, setReplaceAccepted] = useState(false);
  const [done, setDone] = useState<string | undefined>();
  const mutations = useMutation();
  const operation = useLongOperation();

  const all = accounts.data?.accounts ?? [];
  const needle = filter.trim().toLowerCase();
  const shown = needle === '' ? all : all.filter((account) => `${account.issuer} ${account.label}`.toLowerCase().includes(needle));
  const heldNames = new Set((onKey.data?.credentials ?? []).map((credential) => `${credential.issuer ?? ''}\n${credential.label}`));
  const isOnKey = (issuer: string, label: string) => heldNames.has(`${issuer}\n${label}`);

  function toggle(id: string, on: boolean) {
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
    // Another choice: a clash found for the last one may not hold for this one.
    setClashes(undefined);
    setReplaceAccepted(false);
  }

  async function add(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const typed = vaultPassword;
    setVaultPassword('');
    const accountIds = all.filter((account) => chosen.has(account.id)).map((account) => account.id);
    const overwrite = clashes !== undefined && replaceAccepted;
    const result = await operation.run('Checking the vault password…', (opId) => mutations.run(putOnKey, { serial, accountIds, vaultPassword: typed, touch, overwrite, opId }));
    // Read again whatever happened: a write cut short may or may not have reached the key.
    refreshQuery(keyCredentials, { serial });
    if (!result.ok) {
      if (result.error.code === 'KEY_CREDENTIAL_EXISTS') {
        setClashes(result.error.text);
        setReplaceAccepted(false);
        mutations.clearError();
      }
      return;
    }
    const names = result.value.written.map(({ credential }) => (credential.issuer === null ? credential.label : `${credential.issuer} ${credential.label}`));
    const checked = result.value.written.filter(({ verified }) => verified === true).length;
    const unchecked = result.value.written.length - checked;
    // A touch or HOTP account is not checked: a check would wait for a touch, or use up a code.
    const checkedText = checked === 0 ? '' : checked === result.value.written.length ? ' The key’s codes match the vault’s.' : ` ${String(checked)} checked: their codes on the key match the vault’s.`;
    const uncheckedText = unchecked === 0 ? '' : ' Touch and HOTP accounts are not checked (that would need a touch, or use up a code).';
    setDone(`On the key now: ${names.join(', ')}.${checkedText}${uncheckedText}`);
  }

  if (done !== undefined) return <KeyFormDone message={done} testId="put-done" onClose={onClose} />;

  const ready = chosen.size > 0 && vaultPassword !== '' && (clashes === undefined || replaceAccepted);
  return (
    <form className="key-form stack wide" aria-label="Add accounts to the key" onSubmit={(event) => void add(event)}>
      {all.length > FILTER_FROM && (
        <label>
          Find
          <input type="search" value={filter} onChange={(e) => { setFilter(e.target.value); }} />
        </label>
      )}
      {all.length === 0 ? (
        <p className="hint">{accounts.data === undefined ? 'Reading the vault’s accounts…' : 'The vault has no accounts yet.'}</p>
      ) : (
        <ul className="key-pick" aria-label="Vault accounts">
          {shown.map((account) => (
            <li key={account.id}>
              <label className="check">
                <input type="checkbox" checked={chosen.has(account.id)} onChange={(e) => { toggle(account.id, e.target.checked); }} />
                <span className="key-pick-name">
                  {account.issuer} <span className="hint">{account.label}</span>
                </span>
                {isOnKey(account.issuer, account.label) && <span className="chip">on the key</span>}
              </label>
            </li>
          ))}
        </ul>
      )}
      <label className="check">
        <input type="checkbox" checked={touch} onChange={(e) => { setTouch(e.target.checked); }} />
        The key makes their codes only after a touch
      </label>
      {clashes !== undefined && (
        <div className="key-confirm stack wide" data-testid="put-clash">
          <p>
            <strong>{clashes}</strong> Replacing puts the vault’s secret under that name; what the key held there is gone.
          </p>
          <label className="check">
            <input type="checkbox" checked={replaceAccepted} onChange={(e) => { setReplaceAccepted(e.target.checked); }} />
            Replace what the key holds under those names
          </label>
        </div>
      )}
      <label>
        Vault password
        <input type="password" autoComplete="current-password" value={vaultPassword} onChange={(e) => { setVaultPassword(e.target.value); }} />
      </label>
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      <KeyWriteError error={mutations.error} target="card" />
      <div className="row">
        <button type="submit" className={clashes === undefined ? 'primary' : 'danger'} disabled={mutations.busy || !ready}>
          {chosen.size === 0 ? 'Add to the key' : `Add ${String(chosen.size)} to the key`}
        </button>
        <button type="button" disabled={mutations.busy} onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
