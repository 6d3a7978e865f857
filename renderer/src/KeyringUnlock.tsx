import { refreshQuery, useMutation, useQuery } from './data/hooks.js';
import { vaultStatus } from './data/vault.js';
import { keyringStatus, unlockWithKeyring } from './data/vault-settings.js';
import { ErrorAlert } from './ui/ErrorAlert.js';

/**
 * "Unlock with the system keyring" on the lock screen, only while this vault's keyring slot is on.
 * Seven days after the password was last typed main refuses, and says to type it this time.
 */
export function KeyringUnlock() {
  const { data: status } = useQuery(keyringStatus, undefined);
  const mutations = useMutation();
  if (status?.enabled !== true || !status.usable) return null;

  async function unlock() {
    const result = await mutations.run(unlockWithKeyring, undefined);
    if (result.ok) refreshQuery(vaultStatus, undefined);
    else refreshQuery(keyringStatus, undefined);
  }

  const due = mutations.error?.code === 'VAULT_LOCKED';
  return (
    <div className="stack">
      <button type="button" disabled={mutations.busy} onClick={() => void unlock()}>
        Unlock with the system keyring
      </button>
      {due ? (
        <p role="alert" className="error">
          It has been 7 days since the password was typed: type it this time. The keyring works again afterwards.
        </p>
      ) : (
        <ErrorAlert error={mutations.error} />
      )}
    </div>
  );
}
