import { useState } from 'react';
import { refreshQuery, useMutation } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { keyringStatus, rekeyVault, vaultSlots } from '../data/vault-settings.js';
import { PasswordAgain } from './PasswordAgain.js';
import { RecoveryKeyShown } from '../ui/RecoveryKeyShown.js';
import { OperationOutcome } from '../ui/OperationOutcome.js';

/**
 * A full rekey: a new master key, every account sealed again, a new recovery key; YubiKey and keyring
 * slots are removed (added again afterwards). Said before the password is asked.
 */
export function RekeySection() {
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState('');
  const [message, setMessage] = useState('');
  const mutations = useMutation();
  // Two key derivations, then every account sealed again: a bar, and Cancel until the re-sealing starts.
  const operation = useLongOperation();

  async function rekey(password: string) {
    setMessage('');
    const result = await operation.run('Checking the password…', (opId) => mutations.run(rekeyVault, { password, opId }));
    if (!result.ok) {
      if (result.error.code === 'CANCELLED') setMessage('Cancelled: nothing was changed; the password and the recovery key are as they were.');
      return;
    }
    setOpen(false);
    setShown(result.value.recoveryKey);
    refreshQuery(vaultSlots, undefined);
    refreshQuery(keyringStatus, undefined);
  }

  return (
    <section className="section danger-zone" aria-labelledby="rekey-title">
      <h3 id="rekey-title">Rekey the vault</h3>
      {shown !== '' ? (
        <RecoveryKeyShown recoveryKey={shown} onDone={() => { setShown(''); }} />
      ) : open ? (
        <PasswordAgain action="Rekey now" danger busy={mutations.busy} onConfirm={rekey} testId="rekey-form">
          <ul className="hint">
            <li>Every account is sealed again under a new master key.</li>
            <li>You get a new recovery key; the old one stops working.</li>
            <li>YubiKey and keyring slots are removed: add them again afterwards.</li>
            <li>The password stays the same.</li>
          </ul>
        </PasswordAgain>
      ) : (
        <div className="row">
          <button type="button" onClick={() => { setOpen(true); }}>
            Rekey…
          </button>
        </div>
      )}
      <OperationOutcome operation={operation} message={message} error={mutations.error} />
    </section>
  );
}
