import { useState, type SyntheticEvent } from 'react';
import type { OathCredentialView } from '../../../shared/keys-api.js';
import { refreshQuery, useMutation, useQuery } from '../data/hooks.js';
import { keyCredentials } from '../data/keys.js';
import { resetOathCard } from '../data/keys-manage.js';
import { useLongOperation } from '../data/operation.js';
import { OperationProgress } from '../ui/Progress.js';
import { AccessPassword } from './AccessPassword.js';
import { AddToKey } from './AddToKey.js';
import { credentialName } from './credential-name.js';
import { KeyWriteError } from './KeyWriteError.js';
import './keys-manage.css';
import { renameSupport } from './rename-support.js';
import { VaultPasswordAgain } from './VaultPasswordAgain.js';
import { KeyFormDone } from './KeyFormDone.js';

type Open = 'add' | 'password' | 'reset' | undefined;

/**
 * What a YubiKey's OATH application holds, changed from the panel: vault accounts added (the vault
 * password again), the access password set, changed or removed, and a reset. One form open at a time;
 * the key's list is read again after every write (and on every plug or unplug).
 */
export function OathManage({ serial }: { serial: number }) {
  const { data, error } = useQuery(keyCredentials, { serial });
  const [open, setOpen] = useState<Open>();
  const locked = error?.code === 'KEY_PIN_REQUIRED';
  if (data === undefined && !locked) return null;
  const toggle = (which: Exclude<Open, undefined>) => {
    setOpen((current) => (current === which ? undefined : which));
  };
  const rename = data === undefined ? undefined : renameSupport(data.key);
  return (
    <section className="key-section" aria-label="Change the key’s accounts">
      {data?.credentials.length === 0 && <p className="hint">No accounts on the key yet.</p>}
      {rename !== undefined && !rename.supported && (
        <p className="hint" data-testid="rename-unsupported">
          {rename.reason}
        </p>
      )}
      <div className="row key-actions">
        {data !== undefined && (
          <button type="button" className="small" aria-expanded={open === 'add'} onClick={() => { toggle('add'); }}>
            Add from the vault…
          </button>
        )}
        {data?.hasPassword !== undefined && (
          <button type="button" className="small" aria-expanded={open === 'password'} onClick={() => { toggle('password'); }}>
            Access password…
          </button>
        )}
        <button type="button" className="small danger-outline" aria-expanded={open === 'reset'} onClick={() => { toggle('reset'); }}>
          Reset…
        </button>
      </div>
      {open === 'add' && data !== undefined && <AddToKey serial={serial} onClose={() => { setOpen(undefined); }} />}
      {open === 'password' && data?.hasPassword !== undefined && <AccessPassword serial={serial} hasPassword={data.hasPassword} onClose={() => { setOpen(undefined); }} />}
      {open === 'reset' && <ResetOath serial={serial} credentials={data?.credentials} onClose={() => { setOpen(undefined); }} />}
    </section>
  );
}

/**
 * The OATH application reset, confirmed after saying what goes: every account on the key (counted and
 * named when the key can be listed; a locked key can be reset without its password) and the password,
 * with the vault password typed again.
 */
function ResetOath({ serial, credentials, onClose }: { serial: number; credentials: readonly OathCredentialView[] | undefined; onClose: () => void }) {
  const mutations = useMutation();
  const operation = useLongOperation();
  const [done, setDone] = useState<string | undefined>();
  const [vaultPassword, setVaultPassword] = useState('');
  const count = credentials?.length;

  async function reset(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const typed = vaultPassword;
    setVaultPassword('');
    const result = await operation.run('Checking the vault password…', (opId) => mutations.run(resetOathCard, { serial, vaultPassword: typed, opId }));
    refreshQuery(keyCredentials, { serial });
    if (!result.ok) return;
    const erased = result.value.erased;
    setDone(erased === null ? 'The key was reset: its accounts and access password are gone.' : `The key was reset: ${String(erased)} account${erased === 1 ? '' : 's'} erased, and no access password.`);
  }

  if (done !== undefined) return <KeyFormDone message={done} testId="reset-done" onClose={onClose} />;
  let what: string;
  if (count === undefined) what = 'every account on this key (it is locked, so they can’t be counted here) and its access password';
  else if (count === 0) what = 'the key’s access password, if it has one (it holds no accounts)';
  else what = `the ${count === 1 ? 'account' : `${String(count)} accounts`} on this key (${credentials?.map(credentialName).join(', ') ?? ''}) and its access password`;
  return (
    <form role="alertdialog" aria-label="Reset the key’s OATH application" className="key-confirm stack wide" onSubmit={(event) => void reset(event)}>
      <p>
        Erase {what}? Accounts the vault holds too stay in the vault and can be added again; an account kept only on this key is gone for good.
      </p>
      <VaultPasswordAgain value={vaultPassword} onChange={setVaultPassword} disabled={mutations.busy} />
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      <KeyWriteError error={mutations.error} target="card" />
      <div className="row">
        <button type="submit" className="danger" disabled={mutations.busy || vaultPassword === ''}>
          {count === undefined || count === 0 ? 'Reset the key' : `Erase ${count === 1 ? '1 account' : `${String(count)} accounts`}`}
        </button>
        <button type="button" disabled={mutations.busy} onClick={onClose}>
          Keep as it is
        </button>
      </div>
    </form>
  );
}
