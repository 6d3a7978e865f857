import { useState } from 'react';
import { refreshQuery, setQueryData, useMutation, useQuery } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { disableKeyring, enableKeyring, keyringStatus, vaultSlots } from '../data/vault-settings.js';
import { PasswordAgain } from './PasswordAgain.js';
import { OperationOutcome } from '../ui/OperationOutcome.js';

function day(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleDateString();
}

/**
 * Unlock with the system keyring (SECURITY-NOTES §1): off by default, refused with the reason where
 * the keyring protects nothing, and honest about what it costs (any program running as this user can
 * ask the keyring). The password is still asked every 7 days and after every password change.
 */
export function KeyringSection() {
  const { data: status, error } = useQuery(keyringStatus, undefined);
  const mutations = useMutation();
  const operation = useLongOperation();
  const [message, setMessage] = useState('');

  async function turn(on: boolean, password: string) {
    setMessage('');
    const result = await operation.run('Checking the password…', (opId) => mutations.run(on ? enableKeyring : disableKeyring, { password, opId }));
    if (!result.ok) return;
    setQueryData(keyringStatus, undefined, result.value);
    refreshQuery(vaultSlots, undefined);
    setMessage(on ? 'The keyring unlock is on.' : 'The keyring unlock is off; its key is gone from the keyring.');
  }

  return (
    <section className="section" aria-labelledby="keyring-title">
      <h3 id="keyring-title">Unlock with the system keyring</h3>
      {status === undefined ? null : !status.usable ? (
        <p className="hint" data-testid="keyring-refused">
          Not available here: {status.reason ?? 'no keyring'}.
        </p>
      ) : status.enabled ? (
        <PasswordAgain action="Turn off" busy={mutations.busy} onConfirm={(password) => turn(false, password)} testId="keyring-off-form">
          <p className="hint" data-testid="keyring-state">
            On. The password is asked again {status.passwordDueAt === null ? 'every 7 days' : `from ${day(status.passwordDueAt)}`}, and after every password change.
          </p>
        </PasswordAgain>
      ) : (
        <PasswordAgain action="Turn on" busy={mutations.busy} onConfirm={(password) => turn(true, password)} testId="keyring-on-form">
          <p className="hint" data-testid="keyring-state">
            Off. When on, the vault opens without typing the password, with a key your system keyring keeps. Any program running as you can ask the keyring
            for it, so the password is still asked every 7 days and after every password change.
          </p>
        </PasswordAgain>
      )}
      <OperationOutcome operation={operation} message={message} error={mutations.error ?? error} />
    </section>
  );
}
