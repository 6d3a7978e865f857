import { useCallback, useEffect, useState } from 'react';
import type { VaultStatus } from '../../shared/vault-api.js';
import { Accounts } from './Accounts.js';
import { FirstRun } from './FirstRun.js';
import { latchkey } from './latchkey.js';
import { Unlock } from './Unlock.js';

/** Which screen: decided by the vault's status alone. */
export function App() {
  const [status, setStatus] = useState<VaultStatus | undefined>();
  const refresh = useCallback(() => {
    void latchkey().call('vault.status', {}).then(setStatus);
  }, []);
  useEffect(refresh, [refresh]);

  if (status === undefined) return <main className="screen centered" aria-busy="true" />;
  if (!status.exists) return <FirstRun onDone={refresh} />;
  if (status.locked) return <Unlock onUnlocked={refresh} />;
  return <Accounts onLocked={refresh} />;
}
