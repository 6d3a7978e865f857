import { useState, type SyntheticEvent } from 'react';
import type { OathCredentialView } from '../../../shared/keys-api.js';
import { refreshQuery, useMutation, useQuery } from '../data/hooks.js';
import { keyCredentials } from '../data/keys.js';
import { deleteFromKey, renameOnKey } from '../data/keys-manage.js';
import { useLongOperation } from '../data/operation.js';
import { OperationProgress } from '../ui/Progress.js';
import { KeyWriteError } from './KeyWriteError.js';
import { credentialName } from './credential-name.js';
import { renameSupport } from './rename-support.js';
import { VaultPasswordAgain } from './VaultPasswordAgain.js';

type Open = 'rename' | 'delete' | undefined;

/**
 * Rename and Delete for one account on a YubiKey's OATH application. Rename is offered where the
 * firmware has it (the panel says once when it does not); Delete asks first, saying that the key's copy
 * goes and the vault's account stays, with the vault password typed again. The key's list is read again after either.
 */
export function CredentialActions({ serial, credential }: { serial: number; credential: OathCredentialView }) {
  const { data } = useQuery(keyCredentials, { serial });
  const [open, setOpen] = useState<Open>();
  const [issuer, setIssuer] = useState(credential.issuer ?? '');
  const [label, setLabel] = useState(credential.label);
  const [vaultPassword, setVaultPassword] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();
  const name = credentialName(credential);
  const canRename = data !== undefined && renameSupport(data.key).supported;

  async function rename(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const result = await operation.run('Renaming on the key…', (opId) => mutations.run(renameOnKey, { serial, name: credential.name, issuer: issuer.trim(), label: label.trim(), opId }));
    refreshQuery(keyCredentials, { serial });
    if (!result.ok) return;
    setOpen(undefined);
  }

  async function remove(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const typed = vaultPassword;
    setVaultPassword('');
    const result = await operation.run('Checking the vault password…', (opId) => mutations.run(deleteFromKey, { serial, name: credential.name, vaultPassword: typed, opId }));
    refreshQuery(keyCredentials, { serial });
    if (!result.ok) return;
    setOpen(undefined);
  }

  const unchanged = issuer.trim() === (credential.issuer ?? '') && label.trim() === credential.label;
  return (
    <>
      {open === undefined && (
        <div className="row on-key-actions">
          {canRename && (
            <button type="button" className="small" onClick={() => { mutations.clearError(); setOpen('rename'); }}>
              Rename…
            </button>
          )}
          <button type="button" className="small" onClick={() => { mutations.clearError(); setOpen('delete'); }}>
            Delete…
          </button>
        </div>
      )}
      {open === 'rename' && (
        <form className="key-form stack wide" aria-label={`Rename ${name}`} onSubmit={(event) => void rename(event)}>
          <div className="row">
            <label>
              Service
              <input value={issuer} onChange={(e) => { setIssuer(e.target.value); }} />
            </label>
            <label>
              Account
              <input value={label} onChange={(e) => { setLabel(e.target.value); }} />
            </label>
          </div>
          <p className="hint">Only the key’s copy is renamed; the vault’s account keeps its name.</p>
          <div className="row">
            <button type="submit" className="primary" disabled={mutations.busy || unchanged || label.trim() === ''}>
              Rename
            </button>
            <button type="button" disabled={mutations.busy} onClick={() => { setOpen(undefined); setIssuer(credential.issuer ?? ''); setLabel(credential.label); }}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {open === 'delete' && (
        <form role="alertdialog" aria-label={`Delete ${name} from the key`} className="key-confirm stack wide" onSubmit={(event) => void remove(event)}>
          <p>Delete {name} from the key? The key can no longer make its codes; the vault’s account, if it has one, stays.</p>
          <VaultPasswordAgain value={vaultPassword} onChange={setVaultPassword} disabled={mutations.busy} />
          <div className="row">
            <button type="submit" className="danger" disabled={mutations.busy || vaultPassword === ''}>
              Delete from the key
            </button>
            <button type="button" disabled={mutations.busy} onClick={() => { setOpen(undefined); setVaultPassword(''); mutations.clearError(); }}>
              Keep it
            </button>
          </div>
        </form>
      )}
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      <KeyWriteError error={mutations.error} target="card" />
    </>
  );
}
