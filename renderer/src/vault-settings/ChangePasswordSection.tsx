import { useState, type SyntheticEvent } from 'react';
import { useMutation } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { changeVaultPassword } from '../data/vault-settings.js';
import { NewPasswordFields, useNewPassword } from '../ui/NewPasswordFields.js';
import { OperationOutcome } from '../ui/OperationOutcome.js';

/**
 * A new vault password, after the current one. Each YubiKey slot is re-made on its key (a touch each,
 * told by the progress line); a key not plugged in stops the change unless the user removes its slots.
 * The keyring slot goes with the old password (SECURITY-NOTES §1), and the form says so first.
 */
export function ChangePasswordSection({ keyringOn, onChanged }: { keyringOn: boolean; onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const next = useNewPassword();
  const [message, setMessage] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();
  const keyMissing = mutations.error?.code === 'KEY_NOT_FOUND';

  async function change(dropMissingKeySlots: boolean) {
    setMessage('');
    const result = await operation.run('Checking the current password…', (opId) => mutations.run(changeVaultPassword, { current, next: next.value, dropMissingKeySlots, opId }));
    if (!result.ok) return;
    setCurrent('');
    next.clear();
    const { rechallenged, droppedKeySlots } = result.value;
    setMessage(
      `The password is changed.${rechallenged > 0 ? ` ${String(rechallenged)} YubiKey slot${rechallenged === 1 ? ' was' : 's were'} renewed.` : ''}${droppedKeySlots.length > 0 ? ` ${String(droppedKeySlots.length)} YubiKey slot(s) removed.` : ''}${keyringOn ? ' The keyring unlock is off: turn it on again below if you want it.' : ''}`,
    );
    onChanged();
  }

  function submit(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    if (next.differs) {
      mutations.fail('The two new passwords differ.');
      return;
    }
    void change(false);
  }

  return (
    <section className="section" aria-labelledby="change-password-title">
      <h3 id="change-password-title">Password</h3>
      <form className="stack wide" onSubmit={submit} data-testid="change-password">
        <label>
          Current password
          <input type="password" autoComplete="current-password" value={current} onChange={(e) => { setCurrent(e.target.value); }} />
        </label>
        <NewPasswordFields label="New password" password={next} />
        {keyringOn && <p className="hint">Changing the password turns the keyring unlock off.</p>}
        {keyMissing && !mutations.busy && (
          <div className="stack">
            <p className="hint">Plug in the YubiKey and try again, or, if the key is lost, remove its slots: the new password alone then opens the vault.</p>
            <button type="button" onClick={() => void change(true)}>
              Remove those YubiKey slots and change the password
            </button>
          </div>
        )}
        <div className="row">
          <button type="submit" className="primary" disabled={mutations.busy || current === '' || !next.ready}>
            Change the password
          </button>
        </div>
      </form>
      <OperationOutcome operation={operation} message={message} error={mutations.error} />
    </section>
  );
}
