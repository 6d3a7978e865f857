import { useState, type SyntheticEvent } from 'react';
import type { PanelProps } from './app/panel-props.js';
import { useMutation } from './data/hooks.js';
import { useLongOperation } from './data/operation.js';
import { changePassword, issueRecoveryKey } from './data/vault.js';
import { ErrorAlert } from './ui/ErrorAlert.js';
import { RecoveryKeyShown } from './ui/RecoveryKeyShown.js';
import { Dialog } from './ui/Dialog.js';
import { NewPasswordFields, useNewPassword } from './ui/NewPasswordFields.js';
import { OperationProgress } from './ui/Progress.js';

/**
 * After an unlock with the recovery key: set a new password (the old one is not needed, as the
 * service allows only in a recovery session), then issue a new recovery key, since the one just
 * typed has been seen. Each step may be skipped. A panel, opened by the app's state on such an unlock.
 */
export function RecoveryFollowUp({ close: onClose }: PanelProps) {
  // Kept after it is set: it is the re-authentication for the new recovery key that follows.
  const password = useNewPassword();
  const [step, setStep] = useState<'password' | 'key' | 'shown'>('password');
  const [recoveryKey, setRecoveryKey] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();
  const { busy, error } = mutations;
  // A password+YubiKey slot is re-made on its key (a touch): without the key, the user may drop those slots.
  const keyMissing = error?.code === 'KEY_NOT_FOUND';

  async function setNewPassword(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    if (password.differs) {
      mutations.fail('The two passwords differ.');
      return;
    }
    await setPasswordKeepingKeySlots(false);
  }

  /** Each YubiKey slot is re-made on its key (main asks for a touch: the progress line says so). */
  async function setPasswordKeepingKeySlots(dropMissingKeySlots: boolean) {
    const result = await operation.run('Deriving the key from the new password…', (opId) => mutations.run(changePassword, { next: password.value, opId, dropMissingKeySlots }));
    if (result.ok) {
      password.setRepeat('');
      setStep('key');
    }
  }

  async function issueKey() {
    // The password set a moment ago is the re-authentication the service asks for.
    const issued = await operation.run('Checking the new password…', (opId) => mutations.run(issueRecoveryKey, { password: password.value, opId }));
    if (issued.ok) {
      setRecoveryKey(issued.value.recoveryKey);
      password.clear();
      setStep('shown');
    }
  }

  function close() {
    password.clear();
    setRecoveryKey('');
    onClose();
  }

  return (
    <Dialog title="Opened with the recovery key" onClose={close}>
      {step === 'password' && (
        <form className="stack wide" onSubmit={(event) => void setNewPassword(event)} data-testid="recovery-new-password">
          <p className="hint">Choose a new password now: the forgotten one stops working. At least 8 characters, hard to guess.</p>
          <NewPasswordFields label="New password" password={password} stacked autoFocus />
          {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
          {keyMissing && !busy && (
            <div className="stack">
              <p className="hint">
                Plug in the YubiKey and set the password again, or, if the key is lost, remove its slots: the new password alone will then open the vault
                (add a key again later with <code>latchkey vault add-key-slot</code>).
              </p>
              <button type="button" onClick={() => void setPasswordKeepingKeySlots(true)}>
                Remove the YubiKey slots and set the password
              </button>
            </div>
          )}
          <div className="row">
            <button type="submit" className="primary" disabled={busy || !password.ready}>
              Set the new password
            </button>
            <button type="button" disabled={busy} onClick={close}>
              Not now
            </button>
          </div>
        </form>
      )}
      {step === 'key' && (
        <div className="stack wide">
          <p role="status" className="hint">The new password is set.</p>
          <p className="hint">The recovery key you typed has been seen on this screen. Issue a new one? The old key stops working at once.</p>
          {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
          <div className="row">
            <button type="button" className="primary" disabled={busy} onClick={() => void issueKey()}>
              Show a new recovery key
            </button>
            <button type="button" disabled={busy} onClick={close}>
              Keep the old one
            </button>
          </div>
        </div>
      )}
      {step === 'shown' && <RecoveryKeyShown recoveryKey={recoveryKey} onDone={close} />}
      <ErrorAlert error={error} />
    </Dialog>
  );
}
